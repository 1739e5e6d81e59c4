#!/usr/bin/python3
# page-store.py DIR: a store for wa-report's page (tests/0606): every campaign
# of September and October 2026, and one of August to compare with, written
# as wa-send's ledger, wa-hook's events, wa-import's orders and customers.
import json
import sys
from datetime import datetime, timedelta, timezone

d = sys.argv[1]
T0 = datetime(2026, 8, 3, 10, tzinfo=timezone.utc)
led, ev, orders, cust = [], [], [], []


def iso(t):
    return t.strftime('%Y-%m-%dT%H:%M:%SZ')


def phone(i):
    return '+4477009%05d' % i


def send(camp, i, t, k, variant=None):
    w = 'wamid.%s.%d.%d' % (camp, i, k)
    e = {'event': 'sent', 'key': '%s/c%d/%d' % (camp, i, k), 'id': 'c%d' % i,
         'to': phone(i), 'campaign': camp, 'at': iso(t), 'wamid': w}
    if variant:
        e['variant'] = variant
    led.append(e)
    if i % 10 != 0:
        ev.append({'event': 'status', 'wamid': w, 'status': 'delivered', 'at': iso(t + timedelta(seconds=5))})
    if i % 3 != 0 and i % 10 != 0:
        ev.append({'event': 'status', 'wamid': w, 'status': 'read', 'at': iso(t + timedelta(minutes=30))})
    if i % 10 == 0:
        return
    if (i + k) % 7 == 0 or (variant == 'B' and i % 4 == 0):
        at = t + timedelta(hours=1)
        ev.append({'event': 'message', 'wamid': w + '.in', 'from': phone(i), 'at': iso(at),
                   'type': 'text', 'text': 'Do you ship to Spain?' if i % 2 else 'When will my order arrive?',
                   'context': w})
        # a person answers, 5 to 90 minutes later
        led.append({'event': 'sent', 'key': 'care/%s' % (w + '.in'), 'id': 'c%d' % i, 'to': phone(i),
                    'campaign': 'care', 'at': iso(at + timedelta(minutes=5 + 17 * (i % 6))),
                    'wamid': w + '.care'})
    if (i + k) % 29 == 0:
        at = t + timedelta(hours=2)
        ev.append({'event': 'message', 'wamid': w + '.stop', 'from': phone(i), 'at': iso(at), 'type': 'text', 'text': 'STOP'})
        ev.append({'event': 'opt_out', 'wamid': w + '.stop', 'from': phone(i), 'at': iso(at), 'via': 'text'})
    if (i + k) % 5 == 0 or (variant == 'B' and i % 3 == 1):
        usd = i % 11 == 0
        orders.append({'type': 'order', 'id': 'o-%s-%d-%d' % (camp, i, k), 'customer': 'c%d' % i,
                       'created_at': iso(t + timedelta(days=2)), 'financial_status': 'paid',
                       'total': 30 if usd else 40 + i % 7, 'currency': 'USD' if usd else 'EUR'})


# August, to compare with: one campaign a week.
for wk in range(4):
    for i in range(1, 41):
        send('summer', i, T0 + timedelta(weeks=wk), wk)
# September and October: a newsletter each Monday, a winback, an A/B test.
S = datetime(2026, 9, 7, 10, tzinfo=timezone.utc)
for wk in range(8):
    for i in range(1, 61):
        send('newsletter', i, S + timedelta(weeks=wk), wk)
for i in range(61, 121):
    send('winback', i, S + timedelta(days=10), 0)
for i in range(121, 321):
    send('spring-sale-for-our-most-loyal-customers', i, S + timedelta(days=20), 0, 'A' if i % 2 else 'B')
for n in range(12):
    send('flash-%02d' % n, 400 + n, S + timedelta(days=30, hours=n), 0)
for i in range(1, 421):
    tier = ['gold', 'silver', 'bronze', 'platinum'][i % 4] if i % 9 else None
    cust.append({'id': 'c%d' % i, 'phone': phone(i), 'tier': tier})


def put(name, rows):
    with open('%s/%s' % (d, name), 'w') as f:
        for r in rows:
            f.write(json.dumps(r) + '\n')


put('ledger.jsonl', led)
put('events.jsonl', ev)
put('orders.jsonl', orders)
put('customers.jsonl', cust)
