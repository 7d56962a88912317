/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Shared look of the small server-rendered identity pages: large targets and a visible focus ring. */
export const PAGE_STYLE = `
  body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: #0b0c0c; }
  h1 { font-size: 1.75rem; }
  label { display: block; font-weight: 600; margin-top: 1rem; }
  input { font-size: 1.1rem; padding: .6rem; width: 100%; box-sizing: border-box; border: 2px solid #0b0c0c; }
  button, .button { font-size: 1.1rem; min-height: 2.75rem; padding: .6rem 1.2rem; margin-top: 1rem; border: 2px solid #1d4f91;
    background: #1d4f91; color: #fff; cursor: pointer; display: inline-block; text-decoration: none; }
  .secondary { background: #fff; color: #1d4f91; }
  a { color: #1d4f91; }
  :focus-visible { outline: 3px solid #ffbf47; outline-offset: 2px; }
  table { border-collapse: collapse; width: 100%; margin-top: 1rem; }
  th, td { text-align: left; padding: .4rem; border-bottom: 1px solid #b1b4b6; }
  .message { padding: .6rem; margin-top: 1rem; border-left: 5px solid #d4351c; }
  .message:empty { display: none; }
`;
