// What both pages build their DOM with: an element, its attributes and children. Text goes in with
// textContent (as a text node), never as HTML.
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([k, v]) => {
    if (v === null || v === undefined) return;
    if (k === 'class') e.className = v; else e.setAttribute(k, v);
  });
  children.forEach(c => e.append(c instanceof Node ? c : document.createTextNode(String(c))));
  return e;
}
