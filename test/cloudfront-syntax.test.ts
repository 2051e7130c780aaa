/**
 * The build's check of the CloudFront Function's syntax against what AWS's runtime 2.0 page lists
 * (build/cloudfront-syntax.ts; docs/platform.md#cloudfront-functions-runtime): each construct the page does not
 * list is refused, each one it lists passes, and so does every function the build makes (it runs the check).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { unsupportedSyntax } from '../build/cloudfront-syntax';
import { built, VARIANTS, type Variant } from './helpers/targets';

describe('syntax the runtime 2.0 page does not list', () => {
  it.each([
    ['destructuring', 'var { a } = o;', /destructuring/],
    ['array destructuring', 'var [a] = o;', /destructuring/],
    ['a default parameter', 'function f(a = 1) { return a; }', /default value/],
    ['a rest parameter', 'function f(...a) { return a; }', /rest element/],
    ['spread', 'f(...a);', /spread/],
    ['a class', 'class A {}', /class/],
    ['for…of', 'for (var x of y) f(x);', /for…of/],
    ['a generator', 'function* g() { yield 1; }', /generator/],
    ['optional chaining', 'var a = o?.b;', /optional chaining/],
    ['nullish coalescing', 'var a = b ?? c;', /\?\?/],
    ['a logical assignment', 'a ||= b;', /logical assignment/],
    ['a shorthand property', 'var o = { a };', /shorthand/],
    ['a method definition', 'var o = { f() {} };', /method/],
    ['a computed property name', 'var o = { [k]: 1 };', /computed/],
    ['a tagged template', 'f`x`;', /tagged template/],
    ['a sticky or unicode regular expression', 'var r = /a/u;', /regular expression flag/],
    ['a BigInt', 'var n = 1n;', /BigInt/],
    ['a binary literal', 'var n = 0b1;', /binary or octal/],
    ['an async arrow', 'async function h() { var f = async () => 1; return f; }', /async closure/],
    ['an async function expression', 'var f = async function () {};', /async closure/],
    ['a nested async function', 'function h() { async function g() {} return g; }', /async closure/],
    ['an import of another module', "import x from 'crypto';", /import other than/],
    ['a cloudfront import not first', "var a = 1;\nimport cf from 'cloudfront';", /does not parse|import other than/],
    ['an export', 'export function handler(e) { return e; }', /export|does not parse/],
    ['code that does not parse', 'function (', /does not parse/],
  ])('refuses %s', (_name, code, problem) => {
    const problems = unsupportedSyntax(code);
    expect(problems.join('; ')).toMatch(problem);
  });

  it('accepts what the page lists: ES 5.1, let and const, async declarations awaiting, template literals, arrows, **', () => {
    const code = [
      "import cf from 'cloudfront';",
      'var crypto = require("crypto");',
      'const a = 2 ** 3; let b = `x${a}y`;',
      'var o = { a: 1, get b() { return 2; } };',
      'var f = (x) => x + 1, g = function (x) { return x; };',
      'for (let i = 0; i < 2; i++) for (var k in o) f(k);',
      'var r = /a(?!b)/gim;',
      'async function read(k) { var v = await cf.kvs().get(k); return v; }',
      'async function handler(event) { try { await read("k"); } catch (e) { } return event.request; }',
    ].join('\n');
    expect(unsupportedSyntax(code)).toEqual([]);
  });

  it.each(Object.keys(VARIANTS) as Variant[])('the %s build passes', async (variant) => {
    const code = readFileSync(join(await built(variant), 'cloudfront-function', 'index.js'), 'utf8');
    expect(unsupportedSyntax(code)).toEqual([]);
  });
});
