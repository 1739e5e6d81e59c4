#!/usr/bin/python3
# The A/B scenario of 0620-wa-report-variant.t: "gen DIR" writes a ledger,
# events and orders from a fixed seed; "check DIR JSON" computes every
# figure again with scipy.stats and says each that differs from wa-report's
# in its first 4 significant digits. "props X1 N1 X0 N0" prints, as JSON,
# the two-proportion figures of X1/N1 against X0/N0.
import json, math, random, sys

ARMS = [("A", 300, False), ("B", 300, False), ("holdout", 200, True)]
P = {"A": (0.9, 0.6, 0.10, 0.08), "B": (0.9, 0.7, 0.14, 0.16),
     "holdout": (0, 0, 0, 0.05)}   # delivered, read, replied, converted
T0 = 1790000000  # 2026-09-21T...; messages an hour apart per arm member


def iso(t):
    import time
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def units():
    rnd = random.Random(7)
    out = []
    k = 0
    for arm, n, held in ARMS:
        dlv, rd, rep, conv = P[arm]
        for i in range(n):
            k += 1
            u = {"id": "c%04d" % k, "arm": arm, "held": held,
                 "to": "+4477009%05d" % k, "at": T0 + k * 60}
            u["delivered"] = not held and rnd.random() < dlv
            u["read"] = u["delivered"] and rnd.random() < rd
            u["replied"] = u["delivered"] and rnd.random() < rep
            u["orders"] = []
            if rnd.random() < conv:
                u["orders"].append(round(rnd.uniform(10, 120), 2))
                if rnd.random() < 0.3:
                    u["orders"].append(round(rnd.uniform(5, 40), 2))
            # an order out of the 7-day window, never counted
            u["late"] = rnd.random() < 0.1
            out.append(u)
    return out


def gen(d):
    L, E, O = (open(d + f, "w") for f in ("/ledger.jsonl", "/events.jsonl", "/orders.jsonl"))
    n = 0
    for u in units():
        key = "spring/" + u["id"]
        base = {"id": u["id"], "to": u["to"], "campaign": "spring", "key": key,
                "variant": u["arm"]}
        if u["held"]:
            L.write(json.dumps(dict(base, event="held_out", at=iso(u["at"]))) + "\n")
        else:
            wamid = "wamid." + u["id"]
            L.write(json.dumps(dict(base, event="attempt", at=iso(u["at"]))) + "\n")
            L.write(json.dumps(dict(base, event="sent", at=iso(u["at"] + 1), wamid=wamid)) + "\n")
            st = "read" if u["read"] else "delivered" if u["delivered"] else "failed"
            E.write(json.dumps({"event": "status", "wamid": wamid, "status": st,
                                "at": iso(u["at"] + 5)}) + "\n")
            if u["replied"]:
                E.write(json.dumps({"event": "message", "wamid": "wamid.in" + u["id"],
                                    "from": u["to"], "at": iso(u["at"] + 600),
                                    "type": "text", "text": "ok", "context": wamid}) + "\n")
        for j, amt in enumerate(u["orders"]):
            n += 1
            O.write(json.dumps({"type": "order", "id": "o%d" % n, "customer": u["id"],
                                "created_at": iso(u["at"] + 86400 * (j + 1)),
                                "total": amt, "currency": "EUR",
                                "financial_status": "paid"}) + "\n")
        if u["late"]:
            n += 1
            O.write(json.dumps({"type": "order", "id": "o%d" % n, "customer": u["id"],
                                "created_at": iso(u["at"] + 86400 * 9), "total": 99,
                                "currency": "EUR", "financial_status": "paid"}) + "\n")


def props(x1, n1, x0, n0):
    from scipy.stats import norm
    p1, p0 = x1 / n1, x0 / n0
    d = p1 - p0
    se = math.sqrt(p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0)
    z = norm.ppf(0.975)
    pool = (x1 + x0) / (n1 + n0)
    zs = d / math.sqrt(pool * (1 - pool) * (1 / n1 + 1 / n0))
    pb = (p1 + p0) / 2
    need = math.ceil((z * math.sqrt(2 * pb * (1 - pb)) + norm.ppf(0.8) *
                      math.sqrt(p1 * (1 - p1) + p0 * (1 - p0))) ** 2 / d ** 2)
    return {"value": p1, "diff": d, "ci_low": d - z * se, "ci_high": d + z * se,
            "p_value": 2 * norm.sf(abs(zs)), "n_needed": need}


def welch(a, b):
    from scipy.stats import norm, t, ttest_ind
    import statistics as s
    r = ttest_ind(a, b, equal_var=False)
    v1, v0 = s.variance(a) / len(a), s.variance(b) / len(b)
    df = (v1 + v0) ** 2 / (v1 ** 2 / (len(a) - 1) + v0 ** 2 / (len(b) - 1))
    d = s.mean(a) - s.mean(b)
    q = t.ppf(0.975, df) * math.sqrt(v1 + v0)
    z = norm.ppf(0.975) + norm.ppf(0.8)
    need = math.ceil(z * z * (s.variance(a) + s.variance(b)) / d ** 2)
    return {"value": s.mean(a), "diff": d, "ci_low": d - q, "ci_high": d + q,
            "p_value": r.pvalue, "n_needed": need}


def expected():
    us = units()
    by = {a: [u for u in us if u["arm"] == a] for a, _, _ in ARMS}
    rows = {}
    for metric, key, base in (("read_rate", "read", "A"), ("reply_rate", "replied", "A")):
        b = by[base]
        x0, n0 = sum(u[key] for u in b), sum(u["delivered"] for u in b)
        for arm in ("A", "B"):
            x1, n1 = sum(u[key] for u in by[arm]), sum(u["delivered"] for u in by[arm])
            rows[(arm, metric)] = props(x1, n1, x0, n0) if arm != base else {"value": x1 / n1}
    rev = {a: [sum(u["orders"]) for u in by[a]] for a in by}
    conv = {a: sum(1 for u in by[a] if u["orders"]) for a in by}
    for arm in by:
        if arm == "holdout":
            rows[(arm, "conversion_rate")] = {"value": conv[arm] / len(by[arm])}
            rows[(arm, "revenue_per_recipient")] = {"value": sum(rev[arm]) / len(by[arm])}
        else:
            rows[(arm, "conversion_rate")] = props(conv[arm], len(by[arm]),
                                                   conv["holdout"], len(by["holdout"]))
            rows[(arm, "revenue_per_recipient")] = welch(rev[arm], rev["holdout"])
    return rows


def sig4(x, y):
    if x is None or y is None:
        return x is None and y is None
    if x == y:
        return True
    return float("%.4g" % x) == float("%.4g" % y) or abs(x - y) <= 5e-5 * max(abs(x), abs(y))


def check(path):
    got = {}
    for line in open(path):
        o = json.loads(line)
        got[(o["variant"], o["metric"])] = o
    bad = []
    want = expected()
    if set(want) != set(got):
        bad.append("rows: %s, expected %s" % (sorted(got), sorted(want)))
    for k, w in sorted(want.items()):
        for f, v in w.items():
            g = got.get(k, {}).get(f)
            if not sig4(g, v):
                bad.append("%s %s %s: %s, scipy %s" % (k[0], k[1], f, g, v))
    print("\n".join(bad))


if __name__ == "__main__":
    if sys.argv[1] == "props":
        print(json.dumps(props(*(int(a) for a in sys.argv[2:6]))))
    elif sys.argv[1] == "gen":
        gen(sys.argv[2])
    else:
        check(sys.argv[3])
