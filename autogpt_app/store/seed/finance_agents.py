"""Seed calculators: loans, compound interest, tips, BMI, percentage change, sales tax and units.

Each formula is written out in a template (or a calculation text for the expression calculator, which
allows the large exponents of long loans), so anyone can open the agent and check the arithmetic.
"""

from __future__ import annotations

from autogpt_app.blocks.builtin.conversion import UniversalTypeConverterBlock
from autogpt_app.blocks.builtin.dict_blocks import FindInDictionaryBlock
from autogpt_app.blocks.builtin.logic import ExpressionCalculatorBlock
from autogpt_app.blocks.builtin.text import FillTextTemplateBlock
from autogpt_app.store.seed.builder import dropdown_input, graph, node, number_input, output, toggle_input
from autogpt_app.store.seed.model import Sample, SeedAgent, contains, equals

_MONEY = "{:,.2f}"

# ---------------------------------------------------------------------------------------------
# Loan
# ---------------------------------------------------------------------------------------------

_LOAN_FORMULA = """\
{%- set r = rate / 1200 -%}{%- set n = (years * 12)|round|int -%}
{%- if r == 0 -%}{{ amount }} / {{ n }}
{%- else -%}{{ amount }} * {{ r }} / (1 - (1 + {{ r }}) ^ -{{ n }}){%- endif -%}"""
_LOAN_REPORT = """\
{%- set n = (years * 12)|round|int -%}
Monthly payment: {{ '{:,.2f}'.format(m) }}
Number of payments: {{ n }}
Total paid: {{ '{:,.2f}'.format(m * n) }}
Total interest: {{ '{:,.2f}'.format(m * n - amount) }}"""

LOAN = SeedAgent(
    slug="loan-calculator",
    name="Loan Calculator",
    subheading="Monthly payment, total paid and total interest of a loan or mortgage",
    description=(
        "Enter the amount borrowed, the yearly interest rate and the term in years to get the fixed monthly "
        "payment of an amortising loan (a mortgage, a car loan, a student loan), how many payments you make, "
        "the total you pay back and how much of it is interest.\n\n"
        "It uses the standard annuity formula, payment = P·r / (1 − (1 + r)^−n) with the monthly rate r and "
        "n monthly payments; an interest-free loan is simply split into equal payments. Works in any currency."
    ),
    categories=("finance",),
    creator="ledger-lane",
    featured=True,
    changelog="First release: monthly payment, totals and interest; interest-free loans supported.",
    graph=graph(
        "Loan Calculator",
        "Computes the monthly payment of a fixed-rate loan.",
        [
            number_input("amount", "amount", "Amount borrowed", "The loan amount (principal), e.g. 250000"),
            number_input(
                "rate", "annual_rate", "Interest rate (% per year)", "The yearly interest rate in percent, e.g. 6.5", 5
            ),
            number_input("years", "years", "Term (years)", "How many years you repay over", 25),
            node("formula", FillTextTemplateBlock, format=_LOAN_FORMULA),
            node("calculate", ExpressionCalculatorBlock),
            node("report", FillTextTemplateBlock, format=_LOAN_REPORT),
            node("cents", FillTextTemplateBlock, format="{{ '%.2f'|format(m) }}"),
            node("number", UniversalTypeConverterBlock, type="number"),
            output("out_payment", "monthly_payment", "Monthly payment", "The payment due each month, rounded to cents"),
            output("out_report", "report", "Summary", "Payment, number of payments, total paid and total interest"),
        ],
        [
            "amount.result -> formula.values_#_amount",
            "rate.result -> formula.values_#_rate",
            "years.result -> formula.values_#_years",
            "formula.output -> calculate.expression",
            "calculate.result -> report.values_#_m",
            "amount.result -> report.values_#_amount",
            "years.result -> report.values_#_years",
            "calculate.result -> cents.values_#_m",
            "cents.output -> number.value",
            "number.value -> out_payment.value",
            "report.output -> out_report.value",
        ],
    ),
    samples=(
        Sample(
            inputs={"amount": 250000, "annual_rate": 6, "years": 30},
            expect={
                "monthly_payment": equals(1498.88),
                "report": contains(
                    "Monthly payment: 1,498.88",
                    "Number of payments: 360",
                    "Total paid: 539,595.47",
                    "Total interest: 289,595.47",
                ),
            },
        ),
        Sample(
            inputs={"amount": 12000, "annual_rate": 0, "years": 2},
            expect={"monthly_payment": equals(500.0), "report": contains("Total interest: 0.00")},
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# Compound interest
# ---------------------------------------------------------------------------------------------

_PERIODS = "{'yearly': 1, 'quarterly': 4, 'monthly': 12}[freq]"
_COMPOUND_FORMULA = (
    "{%- set k = " + _PERIODS + " -%}{%- set i = rate / 100 / k -%}{%- set n = (years * k)|round|int -%}"
    "{%- if i == 0 -%}{{ p }} + {{ d }} * {{ n }}"
    "{%- else -%}{{ p }} * (1 + {{ i }}) ^ {{ n }} + {{ d }} * ((1 + {{ i }}) ^ {{ n }} - 1) / {{ i }}{%- endif -%}"
)
_COMPOUND_REPORT = (
    "{%- set n = (years * " + _PERIODS + ")|round|int -%}{%- set deposited = p + d * n -%}"
    "Value after {{ years }} years: {{ '{:,.2f}'.format(fv) }}\n"
    "Paid in: {{ '{:,.2f}'.format(deposited) }} ({{ '{:,.2f}'.format(p) }} at the start"
    "{% if d %} + {{ n }} deposits of {{ '{:,.2f}'.format(d) }}{% endif %})\n"
    "Interest earned: {{ '{:,.2f}'.format(fv - deposited) }}"
)

COMPOUND_INTEREST = SeedAgent(
    slug="compound-interest-calculator",
    name="Compound Interest Calculator",
    subheading="See how savings grow with compound interest and regular deposits",
    description=(
        "Projects the future value of your savings: a starting amount, a yearly interest rate compounded "
        "yearly, quarterly or monthly, and an optional deposit every period. The summary shows the final "
        "value, how much you paid in, and how much of the result is interest earned.\n\n"
        "The formula is FV = P(1 + i)^n + D((1 + i)^n − 1)/i, with i the rate per period and n the number of "
        "periods (up to 1,000 periods, e.g. 80 years compounded monthly)."
    ),
    categories=("finance",),
    creator="ledger-lane",
    changelog="First release: yearly, quarterly or monthly compounding with regular deposits.",
    graph=graph(
        "Compound Interest Calculator",
        "Projects savings with compound interest.",
        [
            number_input("principal", "principal", "Starting amount", "What you put in at the start", 10000),
            number_input("rate", "annual_rate", "Interest rate (% per year)", "The yearly interest rate in percent", 5),
            number_input("years", "years", "Years", "How many years the money grows", 10),
            dropdown_input(
                "freq",
                "compounding",
                "Compounding",
                "How often interest is added",
                ["yearly", "quarterly", "monthly"],
                "monthly",
            ),
            number_input(
                "deposit",
                "deposit_per_period",
                "Deposit each period",
                "Added at the end of every period (0 for none)",
                0,
            ),
            node("formula", FillTextTemplateBlock, format=_COMPOUND_FORMULA),
            node("calculate", ExpressionCalculatorBlock),
            node("report", FillTextTemplateBlock, format=_COMPOUND_REPORT),
            node("cents", FillTextTemplateBlock, format="{{ '%.2f'|format(fv) }}"),
            node("number", UniversalTypeConverterBlock, type="number"),
            output("out_value", "future_value", "Future value", "The value at the end, rounded to cents"),
            output("out_report", "report", "Summary", "Final value, amount paid in and interest earned"),
        ],
        [
            "principal.result -> formula.values_#_p",
            "rate.result -> formula.values_#_rate",
            "years.result -> formula.values_#_years",
            "freq.result -> formula.values_#_freq",
            "deposit.result -> formula.values_#_d",
            "formula.output -> calculate.expression",
            "calculate.result -> report.values_#_fv",
            "principal.result -> report.values_#_p",
            "years.result -> report.values_#_years",
            "freq.result -> report.values_#_freq",
            "deposit.result -> report.values_#_d",
            "calculate.result -> cents.values_#_fv",
            "cents.output -> number.value",
            "number.value -> out_value.value",
            "report.output -> out_report.value",
        ],
    ),
    samples=(
        Sample(
            inputs={"principal": 10000, "annual_rate": 5, "years": 10},
            expect={"future_value": equals(16470.09), "report": contains("Interest earned: 6,470.09")},
        ),
        Sample(
            inputs={"principal": 10000, "annual_rate": 5, "years": 10, "deposit_per_period": 100},
            expect={
                "future_value": equals(31998.32),
                "report": contains(
                    "Paid in: 22,000.00 (10,000.00 at the start + 120 deposits of 100.00)", "Interest earned: 9,998.32"
                ),
            },
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# Tip and bill splitter
# ---------------------------------------------------------------------------------------------

_TIP = """\
{%- set people = [people|int, 1]|max -%}
{%- set tip_amount = bill * tip / 100 -%}{%- set total = bill + tip_amount -%}
{%- set share = (total / people)|round(0, 'ceil') if round_up else total / people -%}
{{ {'tip': tip_amount|round(2), 'total': total|round(2), 'per_person': share|round(2), 'people': people}|tojson }}"""
_TIP_REPORT = """\
Tip ({{ tip }}%): {{ '{:,.2f}'.format(f.tip) }}
Total with tip: {{ '{:,.2f}'.format(f.total) }}
Each of {{ f.people }} pays: {{ '{:,.2f}'.format(f.per_person) }}
{%- if f.per_person * f.people > f.total + 0.001 %} (rounded up;
{{- ' ' ~ '{:,.2f}'.format(f.per_person * f.people - f.total) }} extra tip){% endif %}"""

TIP_SPLITTER = SeedAgent(
    slug="tip-and-bill-splitter",
    name="Tip and Bill Splitter",
    subheading="Work out the tip and what everyone at the table pays",
    description=(
        "Enter the bill, the tip percentage and how many people share it: the agent gives the tip, the total "
        "and each person's share. Switch on rounding up so that everyone pays a whole amount; the extra goes "
        "to the tip and is shown.\n\n"
        "Works for restaurant bills, taxi rides, shared holiday costs and any amount split evenly."
    ),
    categories=("finance", "utilities"),
    creator="ledger-lane",
    changelog="First release: tip, total, per-person share and optional rounding up.",
    graph=graph(
        "Tip and Bill Splitter",
        "Splits a bill with a tip between people.",
        [
            number_input("bill", "bill", "Bill", "The amount on the bill"),
            number_input("tip", "tip_percent", "Tip (%)", "The tip in percent of the bill", 15),
            number_input("people", "people", "People", "How many people share the bill", 2),
            toggle_input(
                "round_up",
                "round_up",
                "Round each share up",
                "Everyone pays a whole amount; the extra goes to the tip",
                False,
            ),
            node("figures", FillTextTemplateBlock, format=_TIP),
            node("parse", UniversalTypeConverterBlock, type="dictionary"),
            node("share", FindInDictionaryBlock, key="per_person"),
            node("report", FillTextTemplateBlock, format=_TIP_REPORT),
            output("out_share", "per_person", "Each person pays", "One person's share, tip included"),
            output("out_report", "report", "Summary", "Tip, total and shares"),
        ],
        [
            "bill.result -> figures.values_#_bill",
            "tip.result -> figures.values_#_tip",
            "people.result -> figures.values_#_people",
            "round_up.result -> figures.values_#_round_up",
            "figures.output -> parse.value",
            "parse.value -> share.input",
            "share.output -> out_share.value",
            "parse.value -> report.values_#_f",
            "tip.result -> report.values_#_tip",
            "report.output -> out_report.value",
        ],
    ),
    samples=(
        Sample(
            inputs={"bill": 84.60, "tip_percent": 15, "people": 3},
            expect={
                "per_person": equals(32.43),
                "report": contains("Tip (15%): 12.69", "Total with tip: 97.29", "Each of 3 pays: 32.43"),
            },
        ),
        Sample(
            inputs={"bill": 84.60, "tip_percent": 15, "people": 3, "round_up": True},
            expect={
                "per_person": equals(33.0),
                "report": contains("Each of 3 pays: 33.00 (rounded up; 1.71 extra tip)"),
            },
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# BMI
# ---------------------------------------------------------------------------------------------

_BMI = """\
{%- set m = height / 100 -%}{%- set bmi = (weight / (m * m))|round(1) -%}
{%- if bmi < 18.5 -%}{%- set band = 'underweight (below 18.5)' -%}
{%- elif bmi < 25 -%}{%- set band = 'a healthy weight (18.5 to 24.9)' -%}
{%- elif bmi < 30 -%}{%- set band = 'overweight (25 to 29.9)' -%}
{%- else -%}{%- set band = 'obesity (30 or more)' -%}{%- endif -%}
{{ {'bmi': bmi, 'report': 'Your BMI is ' ~ bmi ~ ', which the WHO classes as ' ~ band ~ ' for adults.'}|tojson }}"""

BMI = SeedAgent(
    slug="bmi-calculator",
    name="BMI Calculator",
    subheading="Body mass index from weight and height, with the WHO adult category",
    description=(
        "Calculates the body mass index (weight in kilograms divided by the square of height in metres) and "
        "names the World Health Organization's category for adults: underweight, healthy weight, overweight "
        "or obesity.\n\n"
        "BMI is a rough screening number: it does not tell muscle from fat and does not apply to children, "
        "pregnancy or athletes. It is not medical advice."
    ),
    categories=("utilities",),
    creator="ledger-lane",
    changelog="First release: metric BMI with the WHO adult categories.",
    graph=graph(
        "BMI Calculator",
        "Body mass index with its WHO category.",
        [
            number_input("weight", "weight_kg", "Weight (kg)", "Body weight in kilograms"),
            number_input("height", "height_cm", "Height (cm)", "Height in centimetres"),
            node("compute", FillTextTemplateBlock, format=_BMI),
            node("parse", UniversalTypeConverterBlock, type="dictionary"),
            node("bmi", FindInDictionaryBlock, key="bmi"),
            node("report", FindInDictionaryBlock, key="report"),
            output("out_bmi", "bmi", "BMI", "Body mass index, one decimal"),
            output("out_report", "report", "Category", "What the number means"),
        ],
        [
            "weight.result -> compute.values_#_weight",
            "height.result -> compute.values_#_height",
            "compute.output -> parse.value",
            "parse.value -> bmi.input",
            "parse.value -> report.input",
            "bmi.output -> out_bmi.value",
            "report.output -> out_report.value",
        ],
    ),
    samples=(
        Sample(
            inputs={"weight_kg": 70, "height_cm": 175},
            expect={"bmi": equals(22.9), "report": contains("Your BMI is 22.9", "a healthy weight")},
        ),
        Sample(inputs={"weight_kg": 95, "height_cm": 170}, expect={"bmi": equals(32.9), "report": contains("obesity")}),
    ),
)

# ---------------------------------------------------------------------------------------------
# Percentage change
# ---------------------------------------------------------------------------------------------

_CHANGE = """\
{%- set difference = new - old -%}
{%- if old == 0 -%}
{{ {'change_percent': none, 'difference': difference,
    'report': 'The change from 0 to ' ~ new ~ ' cannot be given as a percentage (it would divide by zero).'}|tojson }}
{%- else -%}
{%- set pct = (difference / old|abs * 100)|round(2) -%}
{%- set direction = 'Up ' if pct > 0 else 'Down ' if pct < 0 else 'No change: ' -%}
{%- set words = direction ~ (pct|abs if pct else '0') ~ '% (from ' ~ old ~ ' to ' ~ new -%}
{{ {'change_percent': pct, 'difference': difference,
    'report': words ~ ', a difference of ' ~ difference ~ ').'}|tojson }}
{%- endif -%}"""

PERCENT_CHANGE = SeedAgent(
    slug="percentage-change-calculator",
    name="Percentage Change Calculator",
    subheading="How much a value went up or down, in percent",
    description=(
        "Compares an old and a new value and tells you the change in percent and in absolute terms: sales "
        "this month against last month, a price before and after, a share price, a test score. Negative "
        "starting values are handled correctly. A start of zero is explained rather than turned into a "
        "nonsense percentage."
    ),
    categories=("finance", "data"),
    creator="ledger-lane",
    changelog="First release: percentage and absolute change with a plain-words summary.",
    graph=graph(
        "Percentage Change Calculator",
        "Percentage change between two values.",
        [
            number_input("old", "old_value", "Old value", "The value before"),
            number_input("new", "new_value", "New value", "The value after"),
            node("compute", FillTextTemplateBlock, format=_CHANGE),
            node("parse", UniversalTypeConverterBlock, type="dictionary"),
            node("pct", FindInDictionaryBlock, key="change_percent"),
            node("report", FindInDictionaryBlock, key="report"),
            output("out_pct", "change_percent", "Change (%)", "The change in percent (empty when the old value is 0)"),
            output("out_report", "report", "Summary", "The change in words"),
        ],
        [
            "old.result -> compute.values_#_old",
            "new.result -> compute.values_#_new",
            "compute.output -> parse.value",
            "parse.value -> pct.input",
            "parse.value -> report.input",
            "pct.output -> out_pct.value",
            "report.output -> out_report.value",
        ],
    ),
    samples=(
        Sample(
            inputs={"old_value": 80, "new_value": 90},
            expect={"change_percent": equals(12.5), "report": equals("Up 12.5% (from 80 to 90, a difference of 10).")},
        ),
        Sample(
            inputs={"old_value": 0, "new_value": 5},
            expect={"change_percent": equals(None), "report": contains("cannot be given as a percentage")},
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# Sales tax / VAT
# ---------------------------------------------------------------------------------------------

_TAX = """\
{%- if mode.startswith('add') -%}
{%- set net = amount -%}{%- set tax = amount * rate / 100 -%}{%- set gross = net + tax -%}
{%- else -%}
{%- set gross = amount -%}{%- set net = amount / (1 + rate / 100) -%}{%- set tax = gross - net -%}
{%- endif -%}
{{ {'net': net|round(2), 'tax': tax|round(2), 'gross': gross|round(2), 'rate': rate}|tojson }}"""

SALES_TAX = SeedAgent(
    slug="sales-tax-vat-calculator",
    name="Sales Tax and VAT Calculator",
    subheading="Add tax to a net price, or take it out of a price that includes it",
    description=(
        "Works out value added tax (VAT), GST or sales tax at any rate. Add the tax to a net price to get the "
        "gross price, or take it out of a gross price to find the net amount and the tax it contains — the "
        "calculation people most often get wrong (removing 20% VAT is dividing by 1.2, not subtracting 20%).\n\n"
        "You get net, tax and gross, rounded to cents, as a summary and as data."
    ),
    categories=("finance",),
    creator="ledger-lane",
    changelog="First release: add or remove tax at any rate.",
    graph=graph(
        "Sales Tax and VAT Calculator",
        "Adds or removes sales tax or VAT.",
        [
            number_input("amount", "amount", "Amount", "The price to start from"),
            number_input("rate", "tax_rate", "Tax rate (%)", "e.g. 20 for 20% VAT", 20),
            dropdown_input(
                "mode",
                "mode",
                "The amount is",
                "Whether the amount excludes or includes the tax",
                ["net: add the tax", "gross: remove the tax"],
                "net: add the tax",
            ),
            node(
                "compute",
                FillTextTemplateBlock,
                format=_TAX.replace("mode.startswith('add')", "mode.startswith('net')"),
            ),
            node("parse", UniversalTypeConverterBlock, type="dictionary"),
            node(
                "report",
                FillTextTemplateBlock,
                format="Net {{ '{:,.2f}'.format(f.net) }} + {{ f.rate }}% tax {{ '{:,.2f}'.format(f.tax) }} "
                "= gross {{ '{:,.2f}'.format(f.gross) }}",
            ),
            output("out_figures", "figures", "Figures", "net, tax and gross amounts"),
            output("out_report", "report", "Summary", "The calculation in one line"),
        ],
        [
            "amount.result -> compute.values_#_amount",
            "rate.result -> compute.values_#_rate",
            "mode.result -> compute.values_#_mode",
            "compute.output -> parse.value",
            "parse.value -> out_figures.value",
            "parse.value -> report.values_#_f",
            "report.output -> out_report.value",
        ],
    ),
    samples=(
        Sample(
            inputs={"amount": 100, "tax_rate": 20},
            expect={
                "figures": equals({"net": 100, "tax": 20.0, "gross": 120.0, "rate": 20}),
                "report": equals("Net 100.00 + 20% tax 20.00 = gross 120.00"),
            },
        ),
        Sample(
            inputs={"amount": 119, "tax_rate": 19, "mode": "gross: remove the tax"},
            expect={"figures": equals({"net": 100.0, "tax": 19.0, "gross": 119, "rate": 19})},
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# Unit converter
# ---------------------------------------------------------------------------------------------

_UNITS: dict[str, tuple[float | None, str, str]] = {
    "kilometres to miles": (0.621371192, "km", "mi"),
    "miles to kilometres": (1.609344, "mi", "km"),
    "metres to feet": (3.280839895, "m", "ft"),
    "feet to metres": (0.3048, "ft", "m"),
    "centimetres to inches": (0.393700787, "cm", "in"),
    "inches to centimetres": (2.54, "in", "cm"),
    "kilograms to pounds": (2.204622622, "kg", "lb"),
    "pounds to kilograms": (0.45359237, "lb", "kg"),
    "litres to US gallons": (0.264172052, "L", "US gal"),
    "US gallons to litres": (3.785411784, "US gal", "L"),
    "km/h to mph": (0.621371192, "km/h", "mph"),
    "mph to km/h": (1.609344, "mph", "km/h"),
    "Celsius to Fahrenheit": (None, "°C", "°F"),
    "Fahrenheit to Celsius": (None, "°F", "°C"),
}
_CONVERT = (
    "{%- set units = " + repr({k: list(v) for k, v in _UNITS.items()}).replace("None", "none") + " -%}"
    "{%- set u = units[conversion] -%}"
    "{%- if conversion == 'Celsius to Fahrenheit' -%}{%- set r = value * 9 / 5 + 32 -%}"
    "{%- elif conversion == 'Fahrenheit to Celsius' -%}{%- set r = (value - 32) * 5 / 9 -%}"
    "{%- else -%}{%- set r = value * u[0] -%}{%- endif -%}"
    "{{ {'result': r|round(4), 'summary': '{:g} {} = {:g} {}'.format(value, u[1], r|round(4), u[2])}|tojson }}"
)

UNIT_CONVERTER = SeedAgent(
    slug="unit-converter",
    name="Unit Converter",
    subheading="Convert length, weight, volume, speed and temperature between metric and imperial",
    description=(
        "Converts a value between metric and imperial units: kilometres and miles, metres and feet, "
        "centimetres and inches, kilograms and pounds, litres and US gallons, km/h and mph, and Celsius and "
        "Fahrenheit. Factors are the exact international definitions (1 inch = 2.54 cm, 1 lb = 0.45359237 kg), "
        "and the result is rounded to four decimals.\n\n"
        "Useful for recipes, travel, running distances, DIY measurements and weather forecasts."
    ),
    categories=("utilities",),
    creator="ledger-lane",
    changelog="First release: 14 conversions of length, weight, volume, speed and temperature.",
    graph=graph(
        "Unit Converter",
        "Converts values between metric and imperial units.",
        [
            number_input("value", "value", "Value", "The number to convert"),
            dropdown_input(
                "conversion",
                "conversion",
                "Conversion",
                "From which unit to which",
                list(_UNITS),
                "kilometres to miles",
            ),
            node("convert", FillTextTemplateBlock, format=_CONVERT),
            node("parse", UniversalTypeConverterBlock, type="dictionary"),
            node("result", FindInDictionaryBlock, key="result"),
            node("summary", FindInDictionaryBlock, key="summary"),
            output("out_result", "result", "Result", "The converted value"),
            output("out_summary", "summary", "Summary", "The conversion with its units"),
        ],
        [
            "value.result -> convert.values_#_value",
            "conversion.result -> convert.values_#_conversion",
            "convert.output -> parse.value",
            "parse.value -> result.input",
            "parse.value -> summary.input",
            "result.output -> out_result.value",
            "summary.output -> out_summary.value",
        ],
    ),
    samples=(
        Sample(inputs={"value": 100}, expect={"result": equals(62.1371), "summary": equals("100 km = 62.1371 mi")}),
        Sample(
            inputs={"value": 37, "conversion": "Celsius to Fahrenheit"},
            expect={"result": equals(98.6), "summary": equals("37 °C = 98.6 °F")},
        ),
        Sample(inputs={"value": 5, "conversion": "pounds to kilograms"}, expect={"result": equals(2.268)}),
    ),
)

FINANCE_AGENTS = (LOAN, COMPOUND_INTEREST, TIP_SPLITTER, BMI, PERCENT_CHANGE, SALES_TAX, UNIT_CONVERTER)
