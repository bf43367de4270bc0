#!/usr/bin/env bash
# hifa's results page in a real browser: a small page made on the fly (report_browser_tool make),
# opened from file:// by headless Chromium (WebGL through SwiftShader), its DOM and two screenshots
# half a second apart checked (report_browser_tool check: no console error, every model loaded, no blank
# viewer, the avatar moves). Skipped (77) where Chromium is not installed.
#   tests/apps/report_browser.sh build/tests/report_browser_tool [KEEP_DIR]
set -euo pipefail
tool=$1
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then echo "skipped: no Chromium (scripts/setup installs Debian's chromium)"; exit 77; fi
work=${2:-$(mktemp -d)}
[ -n "${2:-}" ] || trap 'rm -rf "$work"' EXIT
mkdir -p "$work"
"$tool" make "$work/report"
# Virtual time: the page's timers and animation frames run as if that many milliseconds passed,
# whatever the machine's speed. The two screenshots are half a second of the animation apart, a
# quarter of the test avatar's 2 s swing: one second apart (half a period) the two poses are mirror
# images that coincide whenever the first falls near the swing's middle, which failed CI once.
shot() {
  "$browser" --headless --no-sandbox --disable-dev-shm-usage --use-angle=swiftshader --enable-unsafe-swiftshader \
    --hide-scrollbars --window-size=1280,2000 --force-device-scale-factor=1 --virtual-time-budget="$1" "${@:2}" \
    "file://$work/report/index.html" 2>"$work/chromium.log"
}
shot 8000 --dump-dom >"$work/dom.html"
shot 8000 --screenshot="$work/a.png" >/dev/null
shot 8500 --screenshot="$work/b.png" >/dev/null
"$tool" check "$work/dom.html" "$work/a.png" "$work/b.png"
