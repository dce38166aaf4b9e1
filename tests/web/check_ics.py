#!/usr/bin/env python3
"""Reads an iCalendar feed with an independent parser (Debian's python3-icalendar) and prints what a
phone's calendar would take from it, as JSON: each event's summary, start, repeat rule and alarms.
A feed the parser cannot read exits 1 with the parser's message.

    python3 tests/web/check_ics.py feed.ics
"""
import json
import sys

import icalendar


def main():
    with open(sys.argv[1], 'rb') as f:
        raw = f.read()
    try:
        cal = icalendar.Calendar.from_ical(raw)
    except Exception as e:  # the parser's own words
        print(f'not a calendar: {e}', file=sys.stderr)
        return 1
    out = {'version': str(cal.get('VERSION')), 'prodid': str(cal.get('PRODID')), 'events': []}
    for ev in cal.walk('VEVENT'):
        start = ev.decoded('DTSTART')
        rrule = ev.get('RRULE')
        alarms = [{'action': str(a.get('ACTION')), 'trigger_seconds': a.decoded('TRIGGER').total_seconds(),
                   'description': str(a.get('DESCRIPTION'))} for a in ev.walk('VALARM')]
        out['events'].append({
            'uid': str(ev.get('UID')),
            'summary': str(ev.get('SUMMARY')),
            'start': start.isoformat(),
            'floating': getattr(start, 'tzinfo', None) is None,
            'rrule': {k: [str(v) for v in vs] for k, vs in rrule.items()} if rrule else None,
            'alarms': alarms,
        })
    print(json.dumps(out, indent=1))
    return 0


if __name__ == '__main__':
    sys.exit(main())
