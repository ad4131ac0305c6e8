#!/usr/bin/env python3
"""Parses `check --junit` output with a real XML parser (xml.etree) and checks
its structure against what CI servers read, and its counts against
expectations.

usage: check_junit.py FILE TESTS FAILURES ERRORS
Exit 0 when the file parses, has <testsuites><testsuite> with those counts,
one <testcase classname name time> per test, and <failure>/<error> children
with a message and a type where the counts say so."""
import sys
import xml.etree.ElementTree as ET


def main(argv):
    path, tests, failures, errors = argv[1], int(argv[2]), int(argv[3]), int(argv[4])
    root = ET.parse(path).getroot()
    problems = []
    if root.tag != "testsuites":
        problems.append(f"root is <{root.tag}>, not <testsuites>")
    suites = root.findall("testsuite")
    if len(suites) != 1:
        problems.append(f"{len(suites)} <testsuite> elements, not 1")
    for suite in suites:
        for attr in ("name", "tests", "failures", "errors", "skipped", "time"):
            if attr not in suite.attrib:
                problems.append(f"<testsuite> has no '{attr}'")
        cases = suite.findall("testcase")
        got = (len(cases), len(suite.findall("testcase/failure")),
               len(suite.findall("testcase/error")))
        if got != (tests, failures, errors):
            problems.append(f"testcases/failures/errors are {got}, expected "
                            f"{(tests, failures, errors)}")
        if (suite.get("tests"), suite.get("failures"), suite.get("errors")) != tuple(map(str, got)):
            problems.append("the <testsuite> counts disagree with its testcases")
        for case in cases:
            for attr in ("classname", "name", "time"):
                if not case.get(attr):
                    problems.append(f"<testcase> without '{attr}'")
            for bad in case.findall("failure") + case.findall("error"):
                if not bad.get("message") or not bad.get("type"):
                    problems.append(f"{case.get('name')}: <{bad.tag}> without message or type")
    for p in problems:
        print(f"{path}: {p}")
    if not problems:
        print(f"{path}: valid JUnit, {tests} testcases")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
