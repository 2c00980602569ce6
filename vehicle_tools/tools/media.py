"""Media tools over MPRIS (``org.mpris.MediaPlayer2.Player``) and Cabin's media search.

Replies come from the player's properties read back after the call (``PlaybackStatus``,
``Metadata``, ``Volume``), never from the request.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from vehicle_tools.commands import DbusCall, DbusSet
from vehicle_tools.dbus_api import MEDIA_NOT_FOUND, MEDIA_SEARCH, MPRIS_PLAYER
from vehicle_tools.errors import ToolError
from vehicle_tools.language import ADJUST_TO, Complaint, FreeText, Language, Sentences, Values
from vehicle_tools.registry import Report, Tool, ToolArgs
from vehicle_tools.state import VehicleState
from vehicle_tools.tools.common import spoken_text

MEDIA = "media"
"""How the driver hears the media player named in spoken failures."""

MediaAction = Literal["play", "pause", "next", "previous"]
_METHOD: Mapping[MediaAction, str] = MappingProxyType(
    {"play": "Play", "pause": "Pause", "next": "Next", "previous": "Previous"})
_READS = ("media.PlaybackStatus", "media.Title", "media.Artist", "media.Volume")


def _playing(report: Report) -> str:
    title, artist = report.get("title"), report.get("artist")
    if not title:
        return "Playing."
    return f"Playing {title} by {artist}." if artist else f"Playing {title}."


def _media_report(state: VehicleState) -> Report:
    status = state.text("media.PlaybackStatus")
    if status is None:
        raise ToolError("not_available", "The media player has not said what it is doing.",
                        "media.PlaybackStatus: not read")
    report: Report = {"playback": status.lower()}
    for key, prop in (("title", "media.Title"), ("artist", "media.Artist")):
        text = state.text(prop)
        if text:
            report[key] = text
    volume = state.number("media.Volume")
    if volume is not None:
        report["volume_pct"] = round(volume * 100)
    return report


class MediaControlArgs(ToolArgs):
    """Arguments of ``media_control``."""

    action: MediaAction = Field(description="play, pause, next (track) or previous (track)")


def _control_confirmed(a: MediaControlArgs, fresh: VehicleState) -> bool:
    status = fresh.text("media.PlaybackStatus")
    if a.action == "pause":
        return status in ("Paused", "Stopped")
    return status == "Playing"


def _control_reply(a: MediaControlArgs, report: Report) -> str:
    if a.action == "pause":
        return "Paused."
    return _playing(report)


_AUDIO = ("(music|song|track|tune[s]|playback|media|radio|wireless|podcast|audiobook|audio|"
          "album|episode)")
MEDIA_CONTROL_LANGUAGE = Language(
    complaints=(
        Complaint(feel=("hate", "dont like", "cant stand", "sick of", "tired of", "bored of",
                        "boring", "awful", "terrible", "rubbish", "sick to death of",
                        "fed up with", "had enough of"),
                  about=("song", "track", "tune", "this one"), means="skip this song"),
        Complaint(feel=("silence is killing me", "without any music", "without any tunes",
                        "without music", "too quiet without", "no music on"),
                  means="resume the music"),
    ),
    sentences=(
        Sentences((f"(pause|stop|halt) [the|this] {_AUDIO}", "pause [it|this|that]",
                   "stop playing", "(turn|switch|put) [the] (radio|wireless|music) off",
                   "(turn|switch) off [the] (radio|wireless|music)",
                   "[the] (radio|wireless|music) off",
                   f"(pause|stop|hold) [the|this] {_AUDIO} [for] [a|one] [(second|sec|moment|"
                   "bit|minute|min)]", f"[the] {_AUDIO} (paused|stopped)"),
                  args={"action": "pause"}),
        Sentences((f"(play|resume|continue|unpause|start) [the|some|my] {_AUDIO}",
                   f"(put|turn) (on|back on) [the|some|my] {_AUDIO}",
                   f"(put|turn) [the|some|my] {_AUDIO} (on|back on)",
                   "(resume|unpause|continue) [playing|playback]", "play",
                   f"(carry on|keep|go on) playing [the|my] [{_AUDIO}]",
                   f"[the|some|my] {_AUDIO} please"),
                  args={"action": "play"}),
        # a block of its own: the loose reading of the block above never learns "again"
        # ("play it again", "play the song again" replay a song: not guessed)
        Sentences(("(play|start) [the|some] (music|tunes|radio) again",), args={"action": "play"}),
        Sentences((f"(next|skip [ahead|forward] [to the next]) [{_AUDIO}|one]",
                   f"skip [this|the] [{_AUDIO}|one]",
                   f"(play|go to) the next [{_AUDIO}|one]",
                   f"i (dont|do not) like (this|the) {_AUDIO}",
                   f"[(go to|play|skip to)] the ({_AUDIO}|one) after [(this|that) [one]]"),
                  args={"action": "next"}),
        Sentences((f"(previous|last) {_AUDIO}", "previous one", f"back one [{_AUDIO}]",
                   f"back a {_AUDIO}",
                   f"(play|go back to) the (previous|last) "
                   f"[{_AUDIO}|one]", f"go back [a|one] [{_AUDIO}]",
                   f"(replay|restart) [the|this] {_AUDIO}",
                   f"play the (previous|last) [{_AUDIO}|one] again",
                   f"[(go back to|play)] the ({_AUDIO}|one) before [(this|that) [one]]"),
                  args={"action": "previous"}),
    ),
    examples=(
              "skip this song",
              "next song",
              "previous track",
              "pause the music",
              "play the music",
              "resume"),
    model_examples=(("skip it", {"action": "next"}),),
    referent="the music",
    ask={"action": "Play, pause, next or previous?"},
)



MEDIA_CONTROL: Tool[MediaControlArgs] = Tool(
    name="media_control",
    language=MEDIA_CONTROL_LANGUAGE,
    topics=("music", "song", "track", "play", "pause", "resume", "skip", "next", "previous",
            "media", "playback", "radio", "tune", "audio"),
    description="Control the media player: play, pause, next track, previous track.",
    action="control the music",
    usage="I can play, pause, skip to the next track or go back to the previous one.",
    args_model=MediaControlArgs,
    commands=lambda a: (DbusCall("media", MPRIS_PLAYER, _METHOD[a.action]),),
    confirmed=_control_confirmed,
    report=lambda a, s: _media_report(s),
    reply=_control_reply,
    reads=_READS,
    backend="dbus",
    service=MEDIA,
)


class SetMediaVolumeArgs(ToolArgs):
    """Arguments of ``set_media_volume``."""

    volume_pct: int = Field(ge=0, le=100, description=(
        "media volume in percent of the player's maximum, 0 (mute) to 100"))


def _volume_reply(a: SetMediaVolumeArgs, report: Report) -> str:
    volume = report.get("volume_pct")
    return "The music is muted." if volume == 0 else f"The music volume is {volume} percent."


_VOLUME = "(volume|sound|music|music volume|media volume|sound volume|radio volume)"
_LOUDNESS = ("(volume|sound|music|radio|stereo|tunes|music volume|media volume|sound volume|"
             "radio volume)")
"""What is turned up or down, or to a level with "to"/"at" ("turn the radio down a bit"); a
bare number after the radio is a station ("radio 1"), never a volume: only `_VOLUME` there."""
SET_MEDIA_VOLUME_LANGUAGE = Language(
    complaints=(
        Complaint(feel=("too loud", "loud", "blaring", "deafening", "too much"),
                  about=("music", "radio", "song", "sound", "volume", "stereo"),
                  means="turn the music down"),
        Complaint(feel=("cant hear", "can barely hear", "can hardly hear", "barely hear",
                        "hardly hear", "too quiet", "too soft", "quiet", "not loud enough"),
                  about=("music", "radio", "song", "sound", "volume", "stereo"),
                  means="turn the music up"),
    ),
    sentences=(
        Sentences((f"[(set|turn|put|change|make)] [the] {_VOLUME} [(to|at|on)] "
                   "{percent:volume_pct} [percent]",
                   f"(turn|put) [the] {_VOLUME} (up|down) to {{percent:volume_pct}} [percent]",
                   f"{ADJUST_TO} [the] {_VOLUME} (to|at) {{percent:volume_pct}} [percent]",
                   "volume {percent:volume_pct} [percent]")),
        # "back" only before "to" (a block of its own, so a loose reading needs "to" too):
        # "music back one" is no volume of 1 %
        Sentences((f"[(turn|put)] [the] {_VOLUME} back [(up|down)] to {{percent:volume_pct}} "
                   "[percent]",)),
        # the radio's own block: "to"/"at" before its number always (a loose reading needs
        # it too), so "radio 1" stays a station, never a volume
        Sentences((f"[(set|turn|put|change|make)] [the] {_LOUDNESS} (to|at) "
                   "{percent:volume_pct} [percent]",
                   f"(turn|put) [the] {_LOUDNESS} (up|down) to {{percent:volume_pct}} [percent]",
                   f"{ADJUST_TO} [the] {_LOUDNESS} (to|at) {{percent:volume_pct}} [percent]")),
        Sentences(("(max|maximum|full) volume", f"[(set|turn|put)] [the] {_LOUDNESS} [up] (to|at) "
                   "(max|maximum|full)",
                   f"[(turn|crank|put|bump)] [the] {_LOUDNESS} all the way up"),
                  args={"volume_pct": 100}),
        Sentences(("half volume", f"[(set|turn|put)] [the] {_LOUDNESS} [(up|down)] (to|at) half "
                   "[volume|way]"), args={"volume_pct": 50}),
        Sentences((f"[(set|turn|put)] [the] {_VOLUME} [(up|down)] [(to|at)] "
                   "{fraction:volume_pct} [volume|way]",)),  # "volume, three quarters"
        Sentences(("mute [the] [music|sound|audio|radio|media|tunes|stereo] [completely]",
                   "(turn|switch) [the] (sound|volume) off", "silence [the] [music|radio]"),
                  args={"volume_pct": 0}),
        Sentences((f"(turn|put) [the] {_LOUDNESS} up [a bit|a notch]",
                   f"(turn|put) up [the] {_LOUDNESS} [a bit|a notch]",
                   f"(raise|increase) [the] {_LOUDNESS} [a bit]", "louder [again]",
                   "(make|turn) it louder",
                   f"[the] {_LOUDNESS} louder [please]",
                   "(turn|put) it up [a bit|a notch|a little]", "i cant hear (anything|the music)"),
                  args={"volume_pct": 10}, relative="volume_pct"),
        Sentences((f"(turn|put) [the] {_LOUDNESS} down [a bit|a notch]",
                   f"(turn|put) down [the] {_LOUDNESS} [a bit|a notch]",
                   f"(lower|decrease|reduce) [the] {_LOUDNESS} [a bit]", "(quieter|softer) [again]",
                   "(make|turn) it (quieter|softer)",
                   f"[the] {_LOUDNESS} (quieter|softer) [please]",
                   "(turn|put) it down [a bit|a notch|a little]"),
                  args={"volume_pct": -10}, relative="volume_pct"),
        Sentences((f"[(turn|put)] [the] {_LOUDNESS} up by {{percent:volume_pct}} [percent]",
                   f"(raise|increase) [the] {_LOUDNESS} by {{percent:volume_pct}} [percent]",
                   f"[(turn|put)] [the] {_VOLUME} up {{step:volume_pct}} [percent]"),
                  relative="volume_pct"),
        Sentences((f"[(turn|put)] [the] {_LOUDNESS} down by {{minus_percent:volume_pct}} "
                   "[percent]",
                   f"(lower|decrease|reduce) [the] {_LOUDNESS} by {{minus_percent:volume_pct}} "
                   "[percent]"), relative="volume_pct"),
    ),
    lists={"minus_percent": Values(tuple((str(n), -n) for n in range(5, 55, 5))),
           # a bare step only up and small: "up twenty" may be "up to 20" heard without "to"
           # (from below 20), "down ten" "down to 10"
           "step": Values((("5", 5), ("10", 10)))},
    ask={"volume_pct": "What volume would you like, in percent?"},
    state_keys={"volume_pct": "media.Volume"},
    model_examples=(("volume to 40", {"volume_pct": 40}),),
    referent="the music",
)



SET_MEDIA_VOLUME: Tool[SetMediaVolumeArgs] = Tool(
    name="set_media_volume",
    language=SET_MEDIA_VOLUME_LANGUAGE,
    topics=("volume", "loud", "quiet", "mute", "music", "sound", "turn it up", "turn it down"),
    description="Set the media player's volume, in percent (0 = mute, 100 = maximum).",
    action="change the volume",
    usage="I can set the music volume from 0 to 100 percent.",
    args_model=SetMediaVolumeArgs,
    commands=lambda a: (DbusSet("media", MPRIS_PLAYER, "Volume", "d", a.volume_pct / 100),),
    confirmed=lambda a, fresh: (v := fresh.number("media.Volume")) is not None
    and round(v * 100) == a.volume_pct,
    report=lambda a, s: _media_report(s),
    reply=_volume_reply,
    reads=_READS,
    backend="dbus",
    service=MEDIA,
)

SearchText = Annotated[str, Field(min_length=1, max_length=100), AfterValidator(spoken_text)]


class MediaSearchArgs(ToolArgs):
    """Arguments of ``media_search``."""

    query: SearchText = Field(description="what to play: a song, artist or album, 1 to 100 "
                                          "characters")


MEDIA_SEARCH_TOOL_LANGUAGE = Language(
    sentences=(
        Sentences(("(play|put on|queue [up]|listen to) {query}",
                   "i want to (hear|listen to) {query}", "(hear|listen to) {query}",
                   "(stick|chuck|pop) on {query}",
                   "i (fancy|feel like) (listening to|hearing) {query}",
                   "(id|i would) (love|like) to (hear|listen to) {query}",
                   "(i|we) (wanna|want to) (hear|listen to) {query}",
                   "the kids (want|wanna) to (hear|listen to) {query}",
                   "(im|i am|were|we are) in the mood for [some] {query}",
                   "(i|we) could [really] go for some {query}"),),
    ),
    lists={"query": FreeText(
        paused_tail=True,
        fillers=("something by", "something from", "anything by", "stuff by", "songs by",
                 "a song by", "some songs by", "some music by", "music by", "some stuff by",
                 "a bit of", "some", "something of", "music of", "some music of",
                 "songs of", "some songs of", "the album", "the record", "the single",
                 "the album called", "the song called", "the track called", "a song called"),
        not_alone=frozenset((
            "the", "a", "an", "this", "that", "it", "one", "some", "something", "anything",
            "last", "previous", "next", "same", "again", "song", "songs", "track", "tracks",
            "tune", "tunes", "music", "album", "playlist", "radio", "podcast", "episode",
            "more", "back", "please", "now")))},
    ask={"query": "Sorry, what should I play?"},
    model_examples=(("put on something by Queen", {"query": "Queen"}),),
    referent="the music",
)


MEDIA_SEARCH_TOOL: Tool[MediaSearchArgs] = Tool(
    name="media_search",
    language=MEDIA_SEARCH_TOOL_LANGUAGE,
    topics=("play", "song", "artist", "album", "music", "listen", "put on"),
    description="Search the media library for a song, artist or album and play the best match.",
    action="play that",
    usage="Tell me a song, an artist or an album to play.",
    args_model=MediaSearchArgs,
    commands=lambda a: (DbusCall("media", MEDIA_SEARCH, "PlaySearch", "s", (a.query,), errors={
        MEDIA_NOT_FOUND: f"I couldn't find {a.query} in your music."}),),
    confirmed=lambda a, fresh: fresh.text("media.PlaybackStatus") == "Playing",
    report=lambda a, s: _media_report(s),
    reply=lambda a, r: _playing(r),
    reads=_READS,
    backend="dbus",
    service=MEDIA,
)
