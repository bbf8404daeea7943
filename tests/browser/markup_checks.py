"""What a page's real HTML must not hold when its data is hostile (issue 12, finding 7)."""

from __future__ import annotations

from tests.markup_fixtures import EVIL

#: Run in the page: links and images to the hostile host, bold or script from the data,
#: and texts of the Plotly figures holding a tag the chart builders never write.
_FINDINGS_JS = """(evil) => {
  const main = document.querySelector('[data-testid="stMain"]');
  const found = [];
  for (const a of main.querySelectorAll('a[href], a[*|href]')) {
    const href = a.getAttribute('href') || a.getAttribute('xlink:href') || '';
    if (href.includes(evil)) found.push('link ' + href);
  }
  for (const img of main.querySelectorAll('img, image')) {
    const src = img.getAttribute('src') || img.getAttribute('href') || '';
    if (src.includes(evil)) found.push('image ' + src);
  }
  // markup from the data leaves an element holding exactly the data's word
  for (const el of main.querySelectorAll('b, strong, em, del, code, script, .katex, tspan')) {
    if (el.closest('[data-testid="stCode"]')) continue;
    const text = el.textContent.trim();
    const bold = el.tagName !== 'tspan' || /bold/.test(el.getAttribute('style') || '');
    if (el.matches('script, .katex') || (bold && ['gras', 'lien', 'code', 'x'].includes(text)))
      found.push(el.tagName + ' ' + text);
  }
  const own = new Set(['<br>', '<b>', '</b>', '<extra>', '</extra>']);
  const walk = (node) => {
    if (typeof node === 'string') {
      for (const tag of node.match(/<[^<>]*>?/g) || [])
        if (!own.has(tag)) found.push('plotly ' + tag);
    } else if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object')
      for (const [k, v] of Object.entries(node)) if (k !== 'template' && k !== '_fullData') walk(v);
  };
  for (const gd of main.querySelectorAll('.js-plotly-plot')) { walk(gd.data); walk(gd.layout); }
  return found;
}"""


def hostile_findings(page) -> list[str]:
    """Links or images to the hostile host, markup from data, foreign tags in charts."""
    return page.evaluate(_FINDINGS_JS, EVIL)
