import pytest

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]
ALL = "async () => { const res = await axe.run(document, {runOnly:{type:'tag',values:['wcag2a','wcag2aa','wcag21a','wcag21aa','best-practice']}}); return res.violations.map(v => [v.id, v.impact, v.nodes.map(n=>n.target.join(' '))]) }"


@pytest.mark.parametrize(
    "email,pages",
    [
        ("manager@example.org", ["/team/"]),
        ("assessor@example.org", ["/caseload/"]),
        ("linkworker@example.org", ["/progress/", "/team/", "/accounts/password/change/"]),
        ("trainer@example.org", ["/admin/"]),
    ],
)
def test_dump(page, visit, demo_data, email, pages):
    msgs = []
    page.on("console", lambda m: msgs.append((m.type, m.text)))
    page.on("requestfailed", lambda r: msgs.append(("reqfail", r.url)))
    page.on("response", lambda r: r.status >= 400 and msgs.append(("http", r.status, r.url)))
    for url in ["/", "/accounts/login/"]:
        page.goto(url)
        print(url, page.title(), page.evaluate(ALL) if page.evaluate("1") else None) if visit(
            page, url
        ) else None
    page.get_by_label("Password", exact=True).fill("x")
    page.get_by_label("Email address").fill(email)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    page.evaluate(open("node_modules/axe-core/axe.min.js").read())
    print("error state", page.evaluate(ALL))
    page.get_by_label("Password", exact=True).fill("demo-password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/" + pages[0].strip("/") + "/")
    for url in pages:
        page.goto(url)
        page.wait_for_load_state()
        print(url, page.title())
        if not url.startswith("/admin"):
            page.evaluate(open("node_modules/axe-core/axe.min.js").read())
            print("   ", page.evaluate(ALL))
    print("MSGS", msgs)
