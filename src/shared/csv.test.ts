import { describe, expect, it } from 'vitest';
import { csvCell, csvDocument, csvRow } from './csv.ts';

describe('CSV cells', () => {
  it('prefixes every cell a spreadsheet would run as a formula with a single quote', () => {
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('+998901234567')).toBe("'+998901234567");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1:A9)')).toBe("'@SUM(A1:A9)");
    expect(csvCell('\t=1')).toBe("'\t=1");
    expect(csvCell('\r=1')).toBe(`"'\r=1"`);
  });

  it('quotes a guarded formula that holds a comma or a quote, doubling the quotes', () => {
    expect(csvCell('=HYPERLINK("http://evil.example","x")')).toBe(
      `"'=HYPERLINK(""http://evil.example"",""x"")"`,
    );
  });

  it('leaves ordinary text and numbers alone, and quotes commas, quotes and line breaks', () => {
    expect(csvCell("Navbahor ko'chasi 12")).toBe("Navbahor ko'chasi 12");
    expect(csvCell('a=b')).toBe('a=b');
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell(3)).toBe('3');
    expect(csvCell('12, Navbahor')).toBe('"12, Navbahor"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
  });

  it('writes rows and documents with CRLF line ends', () => {
    expect(csvRow(['id', '=x', 2])).toBe("id,'=x,2");
    expect(csvDocument(['a', 'b'], [['@1', null]])).toBe("a,b\r\n'@1,\r\n");
  });
});
