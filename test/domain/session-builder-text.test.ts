import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { safeSlice, truncateAtWord } from '../../src/domain/text';

const hasLoneSurrogate = (s: string): boolean =>
  /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);

void describe('truncateAtWord', () => {
  const table: readonly [string, string, number, string][] = [
    ['the text fits', 'Hello world', 11, 'Hello world'],
    ['the text is one over', 'Hello world', 10, 'Hello…'],
    ['the cut lands just before a space', 'Hello world again', 12, 'Hello world…'],
    ['the cut lands mid-word', 'Claim my festive offer now', 20, 'Claim my festive…'],
    ['the only space is too early', 'A supercalifragilisticexpialidocious', 20, 'A supercalifragilis…'],
    ['there is no space', 'abcdefghijklmnopqrstuvwxyz', 10, 'abcdefghi…'],
    ['a comma precedes the cut', 'Hello, world and more', 12, 'Hello…'],
    ['a newline is the boundary', 'Line one\nline two words', 15, 'Line one\nline…'],
    ['max is 1', 'Hello', 1, '…'],
    ['max is 0', 'Hello', 0, ''],
    ['the text is empty', '', 5, ''],
    ['an emoji straddles the cut', 'ab😀cd', 4, 'ab…'],
    ['an emoji fits before the ellipsis', 'ab😀cdef', 5, 'ab😀…'],
    ['a ZWJ sequence is cut after the joiner', 'ab👩\u200d👩\u200d👧xyz', 6, 'ab👩…'],
  ];
  for (const [name, text, max, expected] of table) {
    void test(`when ${name}, then ${JSON.stringify(text)} → ${JSON.stringify(expected)}`, () => {
      assert.equal(truncateAtWord(text, max), expected);
    });
  }

  void test('when any text and limit are given, then the result fits, never splits a pair and keeps a prefix', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 80 }), fc.integer({ min: 0, max: 90 }), (text, max) => {
        const out = truncateAtWord(text, max);
        assert.ok(out.length <= max);
        assert.equal(hasLoneSurrogate(out), false);
        if (text.length <= max) assert.equal(out, text);
        else if (max > 0) {
          assert.ok(out.endsWith('…'));
          assert.ok(text.startsWith(out.slice(0, -1)));
        }
      }),
    );
  });
});

void describe('safeSlice', () => {
  void test('when the cut falls between a surrogate pair, then the whole character is dropped', () => {
    assert.equal(safeSlice('a😀', 2), 'a');
    assert.equal(safeSlice('a😀', 3), 'a😀');
    assert.equal(safeSlice('abc', 0), '');
  });
});
