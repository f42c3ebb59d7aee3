"""A generated web site for the crawler's tests and bench: writes it to a folder and, with --serve, serves it with
Python's http.server on 127.0.0.1 (a free port, printed on the first line).

Usage: web_site.py FOLDER PAGES [--serve]

Page i (index.html for 0, else page-i.html) links to its children 3i+1 .. 3i+3 that exist, back to the index, to itself
with a fragment, to /private/secret.html (which robots.txt disallows), to notes.txt (not HTML), and to another site.
The index also has a GET search form with a hidden field, whose submission is /search.html?q=book.
"""
import functools
import http.server
import os
import sys


def name(i):
    return "index.html" if i == 0 else f"page-{i}.html"


def write(folder, pages):
    os.makedirs(os.path.join(folder, "private"), exist_ok=True)
    for i in range(pages):
        children = "".join(f'<li><a href="{name(c)}">page {c}</a></li>' for c in range(3 * i + 1, 3 * i + 4) if c < pages)
        form = ('<form action="search.html" method="get"><input type="hidden" name="q" value="book">'
                '<input type="submit" value="Search"></form>') if i == 0 else ""
        body = (f"<!DOCTYPE html><html><head><title>Page {i}</title></head><body><h1>Page {i}</h1><ul>{children}</ul>"
                f'<a href="/">home</a> <a href="#top">top</a> <a href="{name(i)}#end">here</a> '
                '<a href="/private/secret.html">secret</a> <a href="notes.txt">notes</a> '
                f'<a href="http://other.invalid/elsewhere.html">elsewhere</a>{form}</body></html>')
        with open(os.path.join(folder, name(i)), "w") as f:
            f.write(body)
    with open(os.path.join(folder, "search.html"), "w") as f:
        f.write("<!DOCTYPE html><html><head><title>Search</title></head><body>Results</body></html>")
    with open(os.path.join(folder, "private", "secret.html"), "w") as f:
        f.write("<html><head><title>Secret</title></head><body>No robots here.</body></html>")
    with open(os.path.join(folder, "notes.txt"), "w") as f:
        f.write("plain text, with a link that is not one: <a href=\"nowhere.html\">x</a>\n")
    with open(os.path.join(folder, "robots.txt"), "w") as f:
        f.write("User-agent: *\nDisallow: /private/\n")


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


if __name__ == "__main__":
    folder, pages = sys.argv[1], int(sys.argv[2])
    write(folder, pages)
    if "--serve" in sys.argv:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=folder))
        print(server.server_address[1], flush=True)
        server.serve_forever()
