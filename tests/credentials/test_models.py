def test_provider_names_read_as_people_write_them() -> None:
    from autogpt_app.credentials.models import provider_label

    assert provider_label("openai") == "OpenAI"
    assert provider_label("SMTP") == "SMTP"
    assert provider_label("google_sheets") == "Google Sheets"
    assert provider_label("") == ""
