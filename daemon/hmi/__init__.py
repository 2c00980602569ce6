"""The head-unit D-Bus API: ``org.cabin.Assistant1`` (docs/hmi.md).

`HmiService` publishes it and drives an `AssistantControl` the daemon implements; `api` holds the
contract (introspection XML, error names, pure event -> signal mapping).
"""

from daemon.hmi.api import (
    INTERFACE,
    INTERFACE_XML,
    MAX_TEXT_CHARS,
    OBJECT_PATH,
    STATES,
    AssistantBusyError,
    AssistantControl,
    HmiError,
    HmiNameError,
    HmiUnavailableError,
)
from daemon.hmi.service import HmiService, hmi_address

__all__ = ["INTERFACE", "INTERFACE_XML", "MAX_TEXT_CHARS", "OBJECT_PATH", "STATES",
           "AssistantBusyError", "AssistantControl", "HmiError", "HmiNameError", "HmiService",
           "HmiUnavailableError", "hmi_address"]
