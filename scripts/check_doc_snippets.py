#!/usr/bin/env python3
"""Checks that the code blocks of the docs pages equal the compiled snippets they show.

A page includes docs/snippets/NAME.cpp verbatim as

    <!-- snippet: NAME.cpp -->
    ```cpp
    ...the file's text...
    ```
    <!-- end snippet -->

The snippets themselves are built and run by CTest (docs/snippets/CMakeLists.txt); this
script makes sure that what a reader sees is what was compiled. It also fails on a marker
naming a missing file and on a snippet that no page shows.

    scripts/check_doc_snippets.py            check (exit 1 and a list of differences if any)
    scripts/check_doc_snippets.py --update   rewrite every block from its file
"""

import argparse
import difflib
import pathlib
import re
import sys

BLOCK = re.compile(
    r"(?P<open><!-- snippet: (?P<name>[A-Za-z0-9_.-]+) -->\n)"
    r"(?P<body>.*?)"
    r"(?P<close><!-- end snippet -->)",
    re.DOTALL,
)


def fenced(text: str) -> str:
    return "```cpp\n" + text + "```\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=pathlib.Path, default=pathlib.Path(__file__).resolve().parent.parent,
                        help="repository root (default: this script's parent directory)")
    parser.add_argument("--update", action="store_true", help="rewrite the blocks from the snippet files")
    args = parser.parse_args()

    docs = args.root / "docs"
    snippets = docs / "snippets"
    errors: list[str] = []
    shown: set[str] = set()

    for page in sorted(docs.glob("*.md")):
        text = page.read_text(encoding="utf-8")

        def replace(match: re.Match) -> str:
            name = match.group("name")
            line = text.count("\n", 0, match.start()) + 1
            where = f"{page.relative_to(args.root)}:{line}"
            source = snippets / name
            if not source.is_file():
                errors.append(f"{where}: snippet {name} does not exist in docs/snippets/")
                return match.group(0)
            shown.add(name)
            code = source.read_text(encoding="utf-8")
            if not code.endswith("\n") or "```" in code:
                errors.append(f"{where}: docs/snippets/{name} must end with a newline and contain no ```")
                return match.group(0)
            expected = fenced(code)
            if match.group("body") != expected:
                if args.update:
                    print(f"{where}: updated from docs/snippets/{name}")
                else:
                    diff = difflib.unified_diff(match.group("body").splitlines(), expected.splitlines(),
                                                f"{where} (page)", f"docs/snippets/{name} (file)", lineterm="", n=1)
                    errors.append(f"{where}: the block differs from docs/snippets/{name}:\n" + "\n".join(diff))
            return match.group("open") + expected + match.group("close")

        updated = BLOCK.sub(replace, text)
        if args.update and updated != text:
            page.write_text(updated, encoding="utf-8")

    for source in sorted(snippets.glob("*.cpp")):
        if source.name not in shown:
            errors.append(f"docs/snippets/{source.name}: no page shows it (add a <!-- snippet: {source.name} --> block)")

    for error in errors:
        print(error, file=sys.stderr)
    if errors:
        hint = "" if args.update else "; `scripts/check_doc_snippets.py --update` rewrites differing blocks from the files"
        print(f"{len(errors)} problem(s){hint}", file=sys.stderr)
        return 1
    print(f"{len(shown)} snippet(s) in sync")
    return 0


if __name__ == "__main__":
    sys.exit(main())
