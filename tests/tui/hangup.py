"""The TUI leaves when its terminal goes away without a SIGHUP (the pty is
not its controlling terminal, so reads fail with EIO): it must exit, not
poll a dead descriptor forever.  usage: hangup.py MAPVIZ SCENE"""
import os
import subprocess
import sys
import time

mapviz, scene = sys.argv[1], sys.argv[2]
master, slave = os.openpty()
subprocess.run(["stty", "rows", "24", "cols", "80"], stdin=slave, check=True)
proc = subprocess.Popen([mapviz, scene], stdin=slave, stdout=slave, stderr=slave,
                        env=dict(os.environ, TERM="xterm"))
time.sleep(1.0)
os.close(master)
os.close(slave)
for _ in range(50):
    if proc.poll() is not None:
        break
    time.sleep(0.1)
if proc.poll() is None:
    proc.kill()
    print("still running 5 s after its terminal went away")
    sys.exit(1)
sys.exit(0)
