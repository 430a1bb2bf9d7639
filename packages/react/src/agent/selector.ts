/** A short CSS selector of an element (tag, then #id or its classes); '' for none. */
export const selector = (node?: unknown): string => {
  const el = node as Element | null | undefined;
  return el?.localName
    ? el.localName + (el.id ? `#${el.id}` : [...el.classList].map((c) => `.${c}`).join(''))
    : '';
};
