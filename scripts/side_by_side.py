"""Times the same questions on pslog's JSON API and on Datasette (run by side-by-side.sh).

Each question asks for the 50 newest matching CDRs with their total (Datasette: its
`filtered_table_rows_count`), over one kept-alive HTTP connection per server, after one
warm-up request; the CSV question streams every ANSWERED CDR. Prints a Markdown table:
p50 and p99 of each, and how many times faster pslog's p50 is.
"""

import argparse
import http.client
import json
import statistics
import time
import urllib.parse

QUESTIONS = [
    # (label, pslog query, Datasette query)
    ("newest 50", "", ""),
    ("Disposition=BUSY", "disposition=BUSY", "disposition=BUSY"),
    ("Disposition=BUSY and Call Type=TRANSFER", "disposition=BUSY&call_type=TRANSFER",
     "disposition=BUSY&call_type=TRANSFER"),
    ("Caller Number prefix +39", "caller_number=%2B39", "caller_number__startswith=%2B39"),
    # Datasette has no free text over every column without an FTS index: one column, as
    # the issue measured it.
    ("free text Ricci (Datasette: one column)", "q=Ricci", "caller_name__contains=Ricci"),
]


class Client:
    def __init__(self, base, headers):
        url = urllib.parse.urlsplit(base)
        self.conn = http.client.HTTPConnection(url.hostname, url.port, timeout=600)
        self.prefix = url.path.rstrip("/")
        self.headers = headers

    def get(self, path):
        """The response body (its first MiB), its size, and the seconds it took."""
        try:
            return self._get(path)
        except (http.client.RemoteDisconnected, ConnectionError):
            # A server that closed the idle connection (uvicorn after 5 s): once more.
            self.conn.close()
            return self._get(path)

    def _get(self, path):
        started = time.perf_counter()
        self.conn.request("GET", self.prefix + path, headers=self.headers)
        response = self.conn.getresponse()
        # The first MiB is kept (a JSON page); an export is only counted.
        body, size = bytearray(), 0
        while True:
            chunk = response.read(65536)
            if not chunk:
                break
            size += len(chunk)
            if len(body) < 1 << 20:
                body += chunk
        elapsed = time.perf_counter() - started
        if response.status != 200:
            raise SystemExit(f"{self.prefix}{path}: HTTP {response.status}")
        return bytes(body), size, elapsed


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def timed(client, path, runs):
    client.get(path)
    samples = []
    last = None
    for _ in range(runs):
        body, size, elapsed = client.get(path)
        samples.append(elapsed * 1000)
        last = (body, size)
    return samples, last


def main():
    args = argparse.ArgumentParser()
    args.add_argument("--pslog", required=True)
    args.add_argument("--token", required=True)
    args.add_argument("--datasette", required=True)
    args.add_argument("--rows", required=True)
    args.add_argument("--runs", type=int, default=30)
    a = args.parse_args()
    pslog = Client(a.pslog, {"Authorization": f"Bearer {a.token}"})
    datasette = Client(a.datasette, {})
    print(f"\n{a.rows} demo rows per log; p50 / p99 of {a.runs} runs, ms\n")
    print("| question | pslog p50 | pslog p99 | Datasette p50 | Datasette p99 | pslog faster |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, ours, theirs in QUESTIONS:
        ours_path = f"/api/v1/cdr?size=50&{ours}"
        theirs_path = f"/cdr.json?_size=50&_sort_desc=call_date&_nosuggest=1&_nofacet=1&{theirs}"
        p, (body, _) = timed(pslog, ours_path, a.runs)
        d, (dbody, _) = timed(datasette, theirs_path, a.runs)
        total = json.loads(body)["total"]
        their_total = json.loads(dbody).get("filtered_table_rows_count")
        p50, d50 = statistics.median(p), statistics.median(d)
        print(f"| {label} (total {total}; Datasette {their_total}) | {p50:.1f} | {percentile(p, 99):.1f} "
              f"| {d50:.1f} | {percentile(d, 99):.1f} | {d50 / p50:.1f}× |")
    csv_runs = 3
    p, (_, size) = timed(pslog, "/api/v1/cdr.csv?disposition=ANSWERED", csv_runs)
    d, (_, dsize) = timed(datasette, "/cdr.csv?disposition=ANSWERED&_stream=on&_size=max&_sort_desc=call_date",
                          csv_runs)
    p50, d50 = statistics.median(p), statistics.median(d)
    print(f"| CSV of every ANSWERED CDR ({size >> 20} MiB; Datasette {dsize >> 20} MiB), {csv_runs} runs "
          f"| {p50:.0f} | {max(p):.0f} | {d50:.0f} | {max(d):.0f} | {d50 / p50:.1f}× |")


if __name__ == "__main__":
    main()
