"""What a page takes from a request before anything reaches the database (never a 500 for bad input).

PostgreSQL refuses a NUL character in text and no database encoding takes a lone surrogate (which a
JSON body can carry as "\\ud800"); deeply nested JSON exhausts the parser's recursion. Each is a
request to refuse with a message, not an error.
"""
import json


class BadJson(ValueError):
    pass


def storable(text: str) -> bool:
    """Text a database can hold: no NUL, no lone surrogate."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def posted_text(post, name: str, limit: int) -> str:
    """A posted text cut to `limit`; text no database can hold counts as not given."""
    text = post.get(name, "")[:limit]
    return text if storable(text) else ""


def refusal_messages(refused) -> dict:
    """A service's ValidationError as {field: [messages]} ("all" when it names no field)."""
    return refused.message_dict if hasattr(refused, "error_dict") else {"all": refused.messages}


def json_object(request) -> dict:
    """The request body as a JSON object, or BadJson (not JSON, not UTF-8, too deep, not an object)."""
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise BadJson from None
    if not isinstance(body, dict):
        raise BadJson
    return body
