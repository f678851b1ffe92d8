"""The base of every request and response body of the command API."""

from pydantic import BaseModel, ConfigDict


class RequestBody(BaseModel):
    """Unknown fields are refused (422), so a typo in a field name is never silently ignored."""

    model_config = ConfigDict(extra="forbid")


class ResponseBody(BaseModel):
    model_config = ConfigDict(from_attributes=True)
