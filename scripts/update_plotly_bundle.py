"""Rebuild the plotly.js partial bundle in assets/vendor/ (only the trace types the app draws).

    python scripts/update_plotly_bundle.py [--version 4.1.1] [--keep-build DIR]

dcc.Graph draws with `window.Plotly` when a page already defines it, and only otherwise
fetches the full plotly.js (4.8 MB) that plotly.py ships. The dashboard defines it with a
bundle of plotly.js's core (which always holds `scatter`) plus the trace modules listed in
`dashboard.web.delivery.PLOTLY_TRACES`, built the way plotly.js builds its own partial
bundles: esbuild (the version plotly.js itself uses), an IIFE that sets the global `Plotly`,
attribute documentation stripped from the source (plotly.js's minified dists do the same),
its MIT licence header on top and the bundled libraries' licence notices at the end.

Run it after upgrading plotly (the version defaults to the plotly.js that the installed
plotly.py ships, which is what dcc.Graph would otherwise load; a unit test fails while they
differ), or after adding a trace type to `dashboard/figures.py`. It needs Node.js and npm,
fetches plotly.js and esbuild from the npm registry into a temporary folder, and writes
assets/vendor/plotly-partial.min.js and assets/vendor/LICENSE-plotly.js.txt; commit both.
Running or testing the app never needs npm.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard.web.delivery import PLOTLY_BUNDLE, PLOTLY_TRACES  # noqa: E402

# The esbuild packages plotly.js's own build uses (versions from its devDependencies).
BUILD_PACKAGES = ("esbuild", "esbuild-plugin-environment", "esbuild-plugin-inline-css")

BUILD_JS = r"""
const esbuild = require('esbuild');
const fs = require('fs');
const { environmentPlugin } = require('esbuild-plugin-environment');
const InlineCSSPlugin = require('esbuild-plugin-inline-css');

// Attribute metadata only the schema browser and docs read: descriptions, option lists,
// human-readable names. Written out of plotly.js's own sources before bundling.
const META = [
  /\s*description: '.*',?/g,
  /\s*description: \[[\s\S]*?\]\.join\([\s\S]*?\),?/g,
  /\s*requiredOpts: \[[\s\S]*?\],?/g,
  /\s*otherOpts: \[[\s\S]*?\],?/g,
  /\s*role: '.*',?/g,
  /\s*hrName: '.*',?/g,
];
const stripMeta = {
  name: 'strip-attribute-meta',
  setup(build) {
    build.onLoad({ filter: /[\\/]plotly\.js[\\/]src[\\/].*\.js$/ }, async (args) => {
      let source = await fs.promises.readFile(args.path, 'utf8');
      for (const pattern of META) source = source.replace(pattern, '');
      return { contents: source, loader: 'js' };
    });
  },
};

esbuild.build({
  entryPoints: ['./entry.js'],
  outfile: './out/plotly.min.js',
  format: 'iife',
  globalName: 'Plotly',
  bundle: true,
  minify: true,
  sourcemap: false,
  legalComments: 'eof',
  plugins: [InlineCSSPlugin(), environmentPlugin({ NODE_DEBUG: false }), stripMeta],
  alias: { regl: '@plotly/regl', stream: 'stream-browserify' },
  define: { global: 'window', 'define.amd': 'false' },
  target: 'es2016',
  logLevel: 'warning',
}).catch(() => process.exit(1));
"""


def npm(*args: str, cwd: Path) -> str:
    result = subprocess.run(
        ["npm", *args], cwd=cwd, check=True, capture_output=True, text=True, timeout=900
    )
    return result.stdout


def installed_plotlyjs_version() -> str:
    from plotly.offline import get_plotlyjs_version

    return get_plotlyjs_version()


def header(version: str, licence_of_full_dist: str) -> str:
    """plotly.js's own licence header, naming what this bundle holds."""
    traces = ", ".join(PLOTLY_TRACES)
    first = licence_of_full_dist.split("*/", 1)[0] + "*/"
    named = first.replace(f"plotly.js v{version}", f"plotly.js ({traces} - minified) v{version}")
    if named == first:
        raise SystemExit(f"unexpected licence header in plotly.js's dist:\n{first}")
    return named + "\n"


def build(version: str, workdir: Path) -> tuple[str, str]:
    """Returns (bundle text with header, plotly.js LICENSE text)."""
    dev = json.loads(npm("view", f"plotly.js@{version}", "devDependencies", "--json", cwd=workdir))
    package = {
        "private": True,
        "dependencies": {"plotly.js": version, **{p: dev[p] for p in BUILD_PACKAGES}},
    }
    (workdir / "package.json").write_text(json.dumps(package, indent=2))
    print(f"npm install plotly.js@{version} and its esbuild in {workdir} ...", flush=True)
    npm("install", "--ignore-scripts", "--no-audit", "--no-fund", cwd=workdir)
    modules = "".join(
        f"    require('plotly.js/lib/{t}'),\n" for t in PLOTLY_TRACES if t != "scatter"
    )
    (workdir / "entry.js").write_text(
        "'use strict';\n"
        "// plotly.js's core always registers scatter; the other trace types are added here.\n"
        "var Plotly = require('plotly.js/lib/core');\n"
        f"Plotly.register([\n{modules}]);\n"
        "module.exports = Plotly;\n"
    )
    (workdir / "build.js").write_text(BUILD_JS)
    subprocess.run(["node", "build.js"], cwd=workdir, check=True, timeout=300)
    plotly_dir = workdir / "node_modules" / "plotly.js"
    full = (plotly_dir / "dist" / "plotly.min.js").read_text()
    bundle = (workdir / "out" / "plotly.min.js").read_text()
    return header(version, full) + bundle, (plotly_dir / "LICENSE").read_text()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", default=installed_plotlyjs_version())
    parser.add_argument("--keep-build", type=Path, help="build here and keep it (debugging)")
    args = parser.parse_args(argv)
    for tool in ("npm", "node"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is needed to rebuild the bundle (apt-get install npm)")
    if args.keep_build:
        args.keep_build.mkdir(parents=True, exist_ok=True)
        bundle, licence = build(args.version, args.keep_build)
    else:
        with tempfile.TemporaryDirectory(prefix="plotly-bundle-") as tmp:
            bundle, licence = build(args.version, Path(tmp))
    PLOTLY_BUNDLE.parent.mkdir(parents=True, exist_ok=True)
    PLOTLY_BUNDLE.write_text(bundle)
    (PLOTLY_BUNDLE.parent / "LICENSE-plotly.js.txt").write_text(licence)
    size = PLOTLY_BUNDLE.stat().st_size
    print(f"wrote {PLOTLY_BUNDLE.relative_to(ROOT)}: plotly.js {args.version}, {size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
