"""What forms of every app share."""

from django.core.exceptions import ValidationError


def add_errors(form, error: ValidationError) -> None:
    """Put a service function's ValidationError on the form field it names (a field the form
    does not have, or no field, on the whole form), so the page shows it beside the input."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)
