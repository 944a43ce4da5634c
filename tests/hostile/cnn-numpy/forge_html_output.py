# Prints, and raises with, HTML that would run in the instructor's browser if a report rendered it
# as markup: a script, an image from a remote server, a javascript: link.
import os

_HOSTILE_HTML = ('<script>alert("hostile")</script><img src="http://hostile.invalid/pixel.png">'
                 '<a href="javascript:alert(1)">click</a></pre></div><h1>100 / 100</h1>')


def relu(x):
    """ATTACK: print HTML and raise an exception whose message is HTML."""
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")
    print(_HOSTILE_HTML)
    raise ValueError(_HOSTILE_HTML)
