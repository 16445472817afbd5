"""Real-format feeds and the pages their items link to, for the feed tests (and the browser test's poll)."""

from tests.claims.conftest import WebServer


def article_page(title: str, sentence: str) -> str:
    return f"""<!doctype html>
<html lang="de"><head><meta charset="utf-8"><title>{title} | Tagesblatt</title>
<meta property="og:title" content="{title}"></head>
<body><nav><a href="/">Startseite</a></nav>
<article><h1>{title}</h1>
<p>{sentence} Das teilte die Stadtverwaltung am Donnerstag mit.</p>
<p>Die Opposition kritisierte die Pläne als unsolide. Der Kämmerer verteidigte die Zahlen.</p>
</article><footer>© 2025 Tagesblatt · Impressum</footer></body></html>"""


def rss_feed(server: WebServer, items: list[tuple[str, str]]) -> str:
    """An RSS 2.0 feed, as newspapers' CMSs write it, of (path, title) items."""
    entries = "".join(
        f"""
    <item>
      <title>{title}</title>
      <link>{server.url(path)}?utm_source=rss&amp;utm_medium=feed</link>
      <guid isPermaLink="false">tagesblatt-{number}</guid>
      <pubDate>Thu, 14 Aug 2025 22:30:00 GMT</pubDate>
      <description><![CDATA[<p>Anreißer zu {title}.</p>]]></description>
      <dc:creator>Anna Schmidt</dc:creator>
    </item>"""
        for number, (path, title) in enumerate(items)
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>Tagesblatt – Politik</title>
    <link>{server.url("/politik")}</link>
    <description>Nachrichten aus der Stadtpolitik</description>
    <language>de-de</language>
    <lastBuildDate>Fri, 15 Aug 2025 06:00:00 GMT</lastBuildDate>
    <atom:link href="{server.url("/politik.rss")}" rel="self" type="application/rss+xml"/>{entries}
  </channel>
</rss>
"""


ATOM_FEED = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <title>City Desk</title>
  <id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id>
  <updated>2025-08-15T08:00:00Z</updated>
  <link rel="self" href="/atom.xml"/>
  <author><name>City Desk</name></author>
  <entry>
    <title>Council approves the budget</title>
    <link rel="alternate" type="text/html" href="/en/budget"/>
    <id>urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a</id>
    <published>2025-08-14T10:00:00+02:00</published>
    <updated>2025-08-14T10:00:00+02:00</updated>
    <summary>The council approved next year's budget.</summary>
  </entry>
  <entry>
    <title>Bridge closed for repairs</title>
    <link rel="alternate" type="text/html" href="/en/gone"/>
    <id>urn:uuid:1225c695-cfb8-4ebb-bbbb-80da344efa6a</id>
    <updated>2025-08-13T09:00:00Z</updated>
    <content type="html">&lt;p&gt;The river bridge is closed until October for repairs, the city said on Wednesday.
      Drivers are asked to use the ring road, which adds about ten minutes to a trip.&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>Teaser without a page</title>
    <link rel="alternate" type="text/html" href="/en/missing"/>
    <id>urn:uuid:1225c695-cfb8-4ebb-cccc-80da344efa6a</id>
    <updated>2025-08-12T09:00:00Z</updated>
  </entry>
</feed>
"""
