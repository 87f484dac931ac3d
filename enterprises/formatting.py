"""Words and numbers as the GOV.UK style guide writes them."""

from datetime import time


def govuk_time(value: time | None) -> str:
    """10:00 → "10am", 15:30 → "3:30pm", 12:00 → "midday"."""
    if value is None:
        return ""
    if value.hour == 12 and value.minute == 0:
        return "midday"
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour}{suffix}" if value.minute == 0 else f"{hour}:{value.minute:02d}{suffix}"
