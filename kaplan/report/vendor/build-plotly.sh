#!/bin/sh
# Rebuild plotly-kaplan.min.js: plotly.js's core (with scatter) plus the bar and funnel traces, the
# only trace types kaplan's figures use (tests/report/test_vendor.py checks both). The version must
# be the plotly.js that the installed plotly.py was built for: plotly.offline.get_plotlyjs_version().
# Same esbuild settings as plotly.js's own esbuild-config.js (its CUSTOM_BUNDLE.md), map CSS left out.
# Usage: sh kaplan/report/vendor/build-plotly.sh 4.1.1   (needs node and npm)
set -eu
version=${1:?plotly.js version, e.g. 4.1.1}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund "plotly.js@$version" esbuild >/dev/null
cat > entry.js <<'JS'
'use strict';
var Plotly = require('plotly.js/lib/core');
Plotly.register([require('plotly.js/lib/bar'), require('plotly.js/lib/funnel')]);
module.exports = Plotly;
JS
node_modules/.bin/esbuild entry.js --bundle --minify --format=iife --global-name=Plotly \
  --define:global=window --define:define.amd=false --define:process.env.NODE_DEBUG=false \
  --alias:stream=stream-browserify --loader:.css=empty --target=es2016 --legal-comments=linked \
  "--banner:js=/* plotly.js v$version partial bundle for kaplan (core with scatter, bar, funnel). Copyright 2012-2026, Plotly, Inc. Licensed under the MIT license (LICENSE-plotly.js.txt); bundled dependencies' notices: plotly-kaplan.min.js.LEGAL.txt */" \
  --outfile=plotly-kaplan.min.js
cp plotly-kaplan.min.js plotly-kaplan.min.js.LEGAL.txt "$here/"
cp node_modules/plotly.js/LICENSE "$here/LICENSE-plotly.js.txt"
