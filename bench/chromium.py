"""How Debian's Chromium runs for the browser tests and the benchmarks alike: headless,
without a GPU or a sandbox (root in a container), and reaching for no service of Google's."""

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
