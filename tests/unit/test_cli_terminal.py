"""Untrusted text stays text in a terminal too: a model name from a file with terminal control sequences
(colours, a window title) is printed with them escaped when the output is a terminal, unchanged into a pipe."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

from hfcompare.cli import InertTerminal

HOSTILE = "\x1b[31mred\x1b]0;title\x07"


def _csv(tmp_path: Path) -> Path:
    path = tmp_path / "values.csv"
    path.write_text(f'model,criterion,value\n"{HOSTILE}",performance,0.5\nplain,performance,0.4\n')
    return path


def _in_a_terminal(command: list[str]) -> str:
    leader, follower = pty.openpty()
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=follower, stderr=follower)
    os.close(follower)
    out = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:   # the terminal is closed once the command ends
            break
        if not chunk:
            break
        out += chunk
    process.wait(timeout=120)
    os.close(leader)
    return out.decode()


def test_control_sequences_from_a_file_are_shown_escaped_in_a_terminal(tmp_path):
    out = _in_a_terminal([sys.executable, "-m", "hfcompare", "decide", "--input", str(_csv(tmp_path))])
    assert "\x1b" not in out and "\x07" not in out
    assert "local:\\x1b[31mred\\x1b]0;title\\x07" in out


def test_a_pipe_gets_the_text_unchanged(tmp_path):
    done = subprocess.run([sys.executable, "-m", "hfcompare", "decide", "--input", str(_csv(tmp_path))],
                          capture_output=True, text=True, timeout=120)
    assert HOSTILE in done.stdout


def test_the_stream_keeps_tabs_and_newlines_and_says_how_much_it_took(tmp_path):
    written = []
    terminal = InertTerminal(type("Stream", (), {"write": lambda self, t: written.append(t), "encoding": "utf-8"})())
    assert terminal.write("a\tb\nc\rd\x9b2J") == len("a\tb\nc\rd\x9b2J")
    assert written == ["a\tb\nc\\x0dd\\x9b2J"] and terminal.encoding == "utf-8"
