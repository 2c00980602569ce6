"""Navigation (``org.cabin.Navigation1``) and phone (``org.cabin.Phone1``) tools over D-Bus."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

from vehicle_tools.commands import DbusCall
from vehicle_tools.dbus_api import NAV_NOT_FOUND, NAVIGATION, PHONE, UNKNOWN_CONTACT
from vehicle_tools.errors import ToolError
from vehicle_tools.language import FreeText, Language, Sentences, Wonder
from vehicle_tools.names import Directory
from vehicle_tools.registry import Report, Tool, ToolArgs
from vehicle_tools.safety import RateLimit, ToolPolicy
from vehicle_tools.state import VehicleState
from vehicle_tools.tools.body import NoArgs
from vehicle_tools.tools.common import spoken_text

_NAV_READS = ("navigation.Active", "navigation.Destination", "navigation.EtaSeconds",
              "navigation.DistanceMeters")

Destination = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(spoken_text)]
ContactName = Annotated[str, Field(min_length=1, max_length=60), AfterValidator(spoken_text)]


def _minutes(eta_s: float) -> str:
    minutes = max(1, round(eta_s / 60))
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours, rest = divmod(minutes, 60)
    return f"{hours} hour{'s' if hours != 1 else ''}" + (f" {rest} minutes" if rest else "")


def _nav_report(state: VehicleState) -> Report:
    active = state.get("navigation.Active")
    if active is None:
        raise ToolError("not_available", "The navigation has not said where it is going.",
                        "navigation.Active: not read")
    report: Report = {"route_active": bool(active)}
    if active:
        report["destination"] = state.text("navigation.Destination") or ""
        report["eta_s"] = int(state.number("navigation.EtaSeconds") or 0)
        report["distance_km"] = round((state.number("navigation.DistanceMeters") or 0) / 1000, 1)
    return report


class NavigateToArgs(ToolArgs):
    """Arguments of ``navigate_to``."""

    destination: Destination = Field(description="where to go: an address or a place name, "
                                                 "1 to 200 characters")


NAVIGATE_TO_LANGUAGE = Language(
    sentences=(Sentences(("(navigate [us]|take (me|us) [back]|drive (me|us)|go [back]|head [back]"
                          "|drive) home", "home"),
                         args={"destination": "home"}),
               Sentences(("(i|we) (need|want) directions", "give me directions",
                          "start [the] (navigation|satnav|route guidance)"), args={}),
               Sentences((
        "(navigate [us]|take (me|us)|drive (me|us)|route (me|us)|directions|get (me|us)|"
        "guide (me|us)|bring (me|us)|head|go|drive) (to|towards) {destination}",
        "(navigate|route) [me|us] to {destination}",
        "(find|show me|get me) [the] (route|directions|a route|the way) to {destination}",
        "(set|start) [the] (navigation|route|satnav|destination) (to|for) {destination}",
        "(lets|let us|i want to|i need to|we need to) go to {destination}",
        "how do i get to {destination}", "(i|we) need to get to {destination}",
        "[new] destination [is] {destination}",
        "(find|get) (me|us) a route to {destination}", "head for {destination}",
        "(nav|navigation|navigate|directions|satnav|sat nav) [to] {destination}",
    )),),
    lists={"destination": FreeText(drop_article=True, addressed=True, paused_tail=True,
                                   keeps_tail=True, whole_ends=frozenset((
        "home", "work", "office", "airport", "station", "hospital", "garage", "parking", "park",
        "hotel", "restaurant", "cafe", "pharmacy", "supermarket", "school", "mall", "centre",
        "center", "beach", "museum", "stadium", "university", "terminal", "port", "charger",
        "services", "square", "street", "road", "avenue", "lane", "drive", "bridge")),
        purposes=frozenset(("pick", "get", "grab", "meet", "collect", "drop", "buy", "fetch",
                            "see", "visit", "catch", "fill", "charge", "fuel", "eat")))},
    ask={"destination": "Sorry, where to?"},
    examples=(
              "navigate to the station",
              "take me to"),
    model_examples=(("drive me to 12 Baker Street", {"destination": "12 Baker Street"}),),
)



NAVIGATE_TO: Tool[NavigateToArgs] = Tool(
    name="navigate_to",
    language=NAVIGATE_TO_LANGUAGE,
    topics=("navigate", "take me", "drive me", "directions", "route", "go to", "get me to",
            "head to", "way to", "nearest", "address"),
    description="Start route guidance to a destination (an address or a place name).",
    action="start navigation",
    usage="Tell me an address or a place to navigate to.",
    args_model=NavigateToArgs,
    commands=lambda a: (DbusCall("navigation", NAVIGATION, "SetDestination", "s",
                                 (a.destination,),
                                 errors={NAV_NOT_FOUND: f"I couldn't find {a.destination}."}),),
    confirmed=lambda a, fresh: fresh.get("navigation.Active") is True,
    report=lambda a, s: _nav_report(s),
    reply=lambda a, r: (f"Navigating to {r['destination']}. You'll be there in about "
                        f"{_minutes(float(r['eta_s']))}."),
    reads=_NAV_READS,
    backend="dbus",
    service="navigation",
    directories={"destination": Directory(
        "navigation.Search", ask="Did you mean {name}?",
        missing="I couldn't find {name} on the map.", search=True)},
)

CANCEL_NAVIGATION_LANGUAGE = Language(sentences=(Sentences((
    "(cancel|stop|end|clear|turn off|quit|exit|kill) [the] (navigation|nav|route|[route] "
    "guidance|directions|satnav|sat nav|trip)",
    "stop (navigating|guiding [me])", "(i dont|we dont) need [the] (directions|navigation) "
    "[(anymore|any more)]", "no more (directions|navigation|guidance)",
    "(i|we) know the way [from here]",
)),))



CANCEL_NAVIGATION: Tool[NoArgs] = Tool(
    name="cancel_navigation",
    language=CANCEL_NAVIGATION_LANGUAGE,
    topics=("navigation", "route", "guidance", "directions", "cancel", "stop"),
    description="Stop route guidance.",
    action="cancel the route",
    usage="I can cancel the route.",
    args_model=NoArgs,
    commands=lambda a: (DbusCall("navigation", NAVIGATION, "CancelRoute"),),
    confirmed=lambda a, fresh: fresh.get("navigation.Active") is False,
    report=lambda a, s: _nav_report(s),
    reply=lambda a, r: "Navigation cancelled.",
    reads=_NAV_READS,
    backend="dbus",
    service="navigation",
)


def _eta_reply(a: NoArgs, r: Report) -> str:
    if not r["route_active"]:
        return "There is no route set."
    return (f"You'll reach {r['destination']} in about {_minutes(float(r['eta_s']))}, "
            f"{r['distance_km']:g} kilometres to go.")


GET_ETA_LANGUAGE = Language(sentences=(Sentences((
    "(whats|what is) [the|my|our] (eta|arrival time|estimated time of arrival)",
    "when (will|do|are) (we|i) (arrive|get there|be there|going to arrive)",
    "when (well|were|ill|im) [finally] (arrive|get there|be there|going to arrive|arriving|"
    "getting there)", "when (will|do|are) (we|i) finally (arrive|get there|be there)",
    "how (much longer|long until we arrive|long until we get there|long till we arrive|long "
    "till we get there|long to go|long is left|far is it|far to go)",
    "how long (until|till|before) (we|i) (arrive|get there|are there)",
    "how long (until|till|before) (were|we are|im|i am) there",
    "how (much|long) [more] time [more] (to|till|until) (reach|we reach|we get there|arrival|"
    "we arrive|the destination)", "how much time [is] left",
    "how far (to go|is it|is left) (to|till|until) [the] (next (stop|drop)|destination)",
    "(are we there yet|eta)",
    "[the|my|our] (eta|arrival time) [on (this|the) (trip|journey|drive|route)]",
    "(am i|are we) going to be late", "how much (further|farther|longer) [to go]",
    "are we nearly there [yet]", "how long now",
    "what time (will|do|shall) (we|i) (arrive|get there|be arriving|get in)",
    "what time (well|were|ill|im) (be arriving|arriving|getting there|getting in)",
    "(time|distance) (to|till|until) [the] destination", "(time|distance) (left|remaining) [to go]",
    "(time|distance) (left|remaining) [to go] on (the|this) (trip|journey|drive)",
    "(read|give|tell) [me|us] [out] the (eta|arrival time)",
    "(please tell me|tell me|let me know) when (we|i) [will|are going to|should] (arrive|get "
    "there|get in|be there)",
    "when (will|do|are) (we|i) (get in|going to get in)",
    "[(whats|what is)] [the|my|our] (estimated|expected) (arrival|time of arrival) [time]",
    "arrival (time|estimate) [estimate]",
    "how long (will it|is it going to|itll|does it) take [(us|me)] [to get there]",
)),),
    model_examples=(("when do we get there", {}),),
    wonders=(Wonder(("get there", "get in", "arrive", "roll into", "roll in", "be there",
                     "how long", "how much longer", "eta", "arrival"), "when will we arrive"),),
)



GET_ETA: Tool[NoArgs] = Tool(
    name="get_eta",
    language=GET_ETA_LANGUAGE,
    topics=("arrive", "arrival", "eta", "how long", "how much longer", "when will", "get there",
            "time left", "distance left"),
    description="Tell the driver the estimated time of arrival and distance left on the route.",
    action="check the arrival time",
    usage="I can tell you when you'll arrive.",
    args_model=NoArgs,
    commands=lambda a: (),
    confirmed=lambda a, fresh: fresh.has("navigation.Active"),
    report=lambda a, s: _nav_report(s),
    reply=_eta_reply,
    reads=_NAV_READS,
    backend="dbus",
    service="navigation",
)


class CallContactArgs(ToolArgs):
    """Arguments of ``call_contact``."""

    contact: ContactName = Field(description="the contact to call, as named in the phone book, "
                                             "1 to 60 characters")


def _call_report(a: CallContactArgs, state: VehicleState) -> Report:
    call_state = state.text("phone.CallState")
    if call_state is None:
        raise ToolError("not_available", "The phone has not said what it is doing.",
                        "phone.CallState: not read")
    return {"call_state": call_state, "contact": state.text("phone.Contact") or ""}


CALL_CONTACT_LANGUAGE = Language(
    sentences=(Sentences((
        "(call|phone|ring|dial|telephone) {contact}", "(make|place) a call to {contact}",
        "(give|get) {contact} a (call|ring)", "(get|put) {contact} on the phone",
        "i want to (call|phone|ring|talk to|speak to|speak with) {contact}",
        "i need to (call|phone|ring|talk to|speak to|speak with) {contact}",
        "give {contact} a bell", "(call|phone|ring) to {contact}",
    )), Sentences(("(call|phone|ring|dial) [someone|somebody]", "make a [phone] call"),)),
    lists={"contact": FreeText(paused_tail=True, addressed=True, whole_ends=frozenset((
        "wife", "husband", "mom", "mum", "mother", "dad", "father", "son", "daughter",
        "brother", "sister", "partner", "boss", "grandma", "grandpa", "office", "home",
        "work")), purposes=frozenset(("say", "tell", "let", "ask", "check", "wish", "see",
                                       "remind", "thank", "invite", "find", "warn", "sort")))},
    ask={"contact": "Sorry, who should I call?"},
    examples=(
              "call my contact",
              "make a call"),
    model_examples=(("ring Anna", {"contact": "Anna"}),),
)


CALL_CONTACT: Tool[CallContactArgs] = Tool(
    name="call_contact",
    language=CALL_CONTACT_LANGUAGE,
    topics=("call", "phone", "ring", "dial"),
    description="Call a contact from the phone book (hands-free).",
    action="make the call",
    usage="Tell me who to call, as they are named in your contacts.",
    args_model=CallContactArgs,
    commands=lambda a: (DbusCall("phone", PHONE, "Dial", "s", (a.contact,), errors={
        UNKNOWN_CONTACT: f"I couldn't find {a.contact} in your contacts."}),),
    confirmed=lambda a, fresh: fresh.text("phone.CallState") in ("dialing", "active"),
    report=_call_report,
    reply=lambda a, r: f"Calling {r['contact']}.",
    reads=("phone.CallState", "phone.Contact"),
    policy=ToolPolicy(rate_limit=RateLimit(calls=3, per_s=60.0)),
    backend="dbus",
    service="the phone",
    directories={"contact": Directory(
        "phone.Contacts", ask="Did you mean {name}?",
        missing="I couldn't find {name} in your contacts.")},
)
