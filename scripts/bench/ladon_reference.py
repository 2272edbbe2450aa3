#!/usr/bin/env python3
"""Reference evaluator of ory/ladon's decision rules, as ../shared/spec/ladon-semantics.md states them.

It is the comparison peer measured in the same run as Swift IAM's policy engine (scripts/bench/policy.sh)
and an independent check of the conformance fixtures: written from the specification, not from our Swift
code. It evaluates the way ladon does: every policy, lazily (actions, subjects, resources, conditions),
templates compiled to `^quoted(<group>)quoted$` regular expressions and cached in an LRU of 512.

    ladon_reference.py --fixtures DIR [--sizes 10,100] [--bench] [--seconds S] [--runs N]
    ladon_reference.py --eval POLICIES.json REQUESTS.json   (one JSON decision per line, like `iam policy eval`)
"""
import argparse
import functools
import ipaddress
import json
import re
import statistics
import sys
import time

QUOTE_META = set('\\.+*?()|[]{}^$')


def quote_meta(text):
    return ''.join('\\' + ch if ch in QUOTE_META else ch for ch in text)


class TemplateError(Exception):
    pass


@functools.lru_cache(maxsize=512)
def compile_template(template):
    level, start, groups = 0, 0, []
    for index, ch in enumerate(template):
        if ch == '<':
            level += 1
            if level == 1:
                start = index
        elif ch == '>':
            level -= 1
            if level == 0:
                groups.append((start, index + 1))
            elif level < 0:
                raise TemplateError('unbalanced delimiters in %r' % template)
    if level != 0:
        raise TemplateError('unbalanced delimiters in %r' % template)
    pattern, end = '^', 0
    for group_start, group_end in groups:
        inner = template[group_start + 1:group_end - 1]
        try:
            re.compile('^' + inner + '$')
        except re.error as error:
            raise TemplateError('%r: %s' % (template, error))
        pattern += quote_meta(template[end:group_start]) + '(' + inner + ')'
        end = group_end
    # \Z, not $: a trailing newline never matches (the project's strict-$ decision).
    return re.compile(pattern + quote_meta(template[end:]) + r'\Z')


def list_matches(templates, needle):
    for template in templates or []:
        if '<' not in template:
            if template == needle:
                return True
            continue
        if compile_template(template).match(needle):
            return True
    return False


@functools.lru_cache(maxsize=4096)
def search_pattern(pattern):
    try:
        return re.compile(pattern)
    except re.error:
        return None


def parse_ip(text):
    if not isinstance(text, str) or '%' in text:
        return None
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def cidr_contains(cidr, value):
    if not isinstance(cidr, str) or '/' not in cidr or '%' in cidr:
        return False
    try:
        network = ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return False
    address = parse_ip(value)
    return address is not None and address.version == network.version and address in network


def condition_fulfilled(condition, value, request):
    kind = condition.get('type')
    options = condition.get('options') or {}
    if kind == 'StringEqualCondition':
        return isinstance(value, str) and value == options.get('equals', '')
    if kind == 'StringMatchCondition':
        pattern = search_pattern(options.get('matches', ''))
        return isinstance(value, str) and pattern is not None and pattern.search(value) is not None
    if kind == 'CIDRCondition':
        return cidr_contains(options.get('cidr', ''), value)
    if kind == 'EqualsSubjectCondition':
        return isinstance(value, str) and value == request.get('subject', '')
    if kind == 'BooleanCondition':
        return isinstance(value, bool) and value == options.get('value', False)
    if kind == 'ResourceContainsCondition':
        if not isinstance(value, dict):
            return False
        needle = value.get('value')
        if not isinstance(needle, str) or not needle:
            return False
        delimiter = value.get('delimiter')
        delimiter = delimiter if isinstance(delimiter, str) else ''
        return (delimiter + needle + delimiter) in (delimiter + request.get('resource', '') + delimiter)
    if kind == 'StringPairsEqualCondition':
        if not isinstance(value, list):
            return False
        return all(isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str)
                   and isinstance(pair[1], str) and pair[0] == pair[1] for pair in value)
    raise ValueError('unknown condition type %r' % kind)


def decide(policies, request):
    allows, denies, errors = [], [], []
    context = request.get('context') or {}
    for policy in policies:
        try:
            if not list_matches(policy.get('actions'), request.get('action', '')):
                continue
            if not list_matches(policy.get('subjects'), request.get('subject', '')):
                continue
            if not list_matches(policy.get('resources'), request.get('resource', '')):
                continue
            conditions = policy.get('conditions') or {}
            if not all(condition_fulfilled(c, context.get(k), request) for k, c in conditions.items()):
                continue
        except TemplateError:
            errors.append(policy['id'])
            continue
        (allows if policy.get('effect') == 'allow' else denies).append(policy['id'])
    reason = 'error' if errors else 'forced_deny' if denies else 'allowed' if allows else 'no_match'
    return {'allowed': reason == 'allowed', 'reason': reason, 'allow_policy_ids': allows,
            'deny_policy_ids': denies, 'error_policy_ids': errors}


def load(directory, kind, size):
    with open('%s/%s-full-%d.json' % (directory, kind, size)) as handle:
        return json.load(handle)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--fixtures', default='../shared/fixtures/ladon-conformance')
    parser.add_argument('--sizes', default='10,100,1000,10000')
    parser.add_argument('--bench', action='store_true', help='measure decisions per second')
    parser.add_argument('--seconds', type=float, default=1.0)
    parser.add_argument('--runs', type=int, default=3)
    parser.add_argument('--eval', nargs=2, metavar=('POLICIES', 'REQUESTS'))
    parser.add_argument('--check-limit', type=int, default=0,
                        help='compare only the first N requests with the expected decisions (0: all)')
    args = parser.parse_args()
    if args.eval:
        with open(args.eval[0]) as handle:
            policies = json.load(handle)
        with open(args.eval[1]) as handle:
            requests = json.load(handle)
        for request in requests:
            print(json.dumps(decide(policies, request), separators=(',', ':'), ensure_ascii=False))
        return
    failed = False
    if args.bench:
        print('| policies | requests | decisions/s (median of %d) | min..max | agrees with expected |' % args.runs)
        print('|---:|---:|---:|---:|---|')
    for size in [int(s) for s in args.sizes.split(',')]:
        policies, requests = load(args.fixtures, 'policies', size), load(args.fixtures, 'requests', size)
        expected = load(args.fixtures, 'expected', size)
        keys = ('allowed', 'reason', 'allow_policy_ids', 'deny_policy_ids', 'error_policy_ids')
        checked = list(zip(requests, expected))[:args.check_limit or None]
        mismatches = sum(1 for request, want in checked if any(decide(policies, request)[k] != want[k] for k in keys))
        failed = failed or mismatches > 0
        if not args.bench:
            print('%d policies: %d requests checked, %d mismatches' % (size, len(checked), mismatches))
            continue
        rates = []
        for _ in range(args.runs):
            count, start = 0, time.perf_counter()
            while time.perf_counter() - start < args.seconds:
                for request in requests:
                    decide(policies, request)
                    count += 1
                    if time.perf_counter() - start >= args.seconds:
                        break
            rates.append(count / (time.perf_counter() - start))
        agreement = ('yes' if mismatches == 0 else 'NO (%d)' % mismatches) + (' (first %d)' % len(checked) if len(checked) < len(requests) else '')
        print('| %d | %d | %.1f | %.1f..%.1f | %s |' % (size, len(requests), statistics.median(rates), min(rates),
                                                        max(rates), agreement))
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
