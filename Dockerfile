# One image for the three platform processes (see docker-compose.yml):
#   web        python -m autogpt_app.cli prestart && reflex run --env prod   (default command, port 3000)
#   worker     dramatiq workers.execution --processes 1 --threads 4
#   scheduler  python -m workers.scheduler
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    APP_MODE=production \
    DATA_DIR=/app/data \
    REFLEX_USE_SYSTEM_BUN=1 \
    PATH="/app/.tools/node_modules/.bin:${PATH}"

# Node from Debian: Reflex needs it next to bun to build the frontend.
RUN apt-get update \
    && apt-get install -y --no-install-recommends nodejs npm \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system app \
    && useradd --system --gid app --create-home --home-dir /home/app --shell /usr/sbin/nologin app

WORKDIR /app

COPY requirements.txt ./
RUN pip install -r requirements.txt

# Reflex's own installer downloads bun from the internet; the npm package ships it too (as scripts/setup.sh does).
RUN npm install --no-audit --no-fund --prefix .tools bun@1.4.4 \
    && npm cache clean --force \
    && bun --version

COPY --chown=app:app . .
# Reflex writes .web/ and .states/ next to the code at run time; data/ holds embedded-mode files.
RUN mkdir -p data .web .states && chown app:app /app data .web .states

USER app

EXPOSE 3000

# The health check of the web process lives in docker-compose.yml: worker and scheduler share this image.
CMD ["sh", "-c", "python -m autogpt_app.cli prestart && exec reflex run --env prod"]
