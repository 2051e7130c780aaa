/**
 * The syntax the CloudFront Functions runtime accepts, checked on the built function: ES 5.1, and of the later
 * editions only what AWS's JavaScript runtime 2.0 page lists — `const` and `let`, `async` functions and `await`
 * (async arguments and closures excepted), template literals, arrow functions, `**`. Anything the page does not
 * list is treated as unsupported (docs/platform.md#cloudfront-functions-runtime). esbuild and terser are told to
 * emit no more; this is what makes sure, since njs (which runs the tests) accepts more than the page promises.
 */
import { parse, type Node } from 'acorn';

type AnyNode = Node & Record<string, unknown>;

/** Node types from editions after 5.1 that the page does not list. */
const UNLISTED: Record<string, string> = {
  ObjectPattern: 'destructuring',
  ArrayPattern: 'destructuring',
  AssignmentPattern: 'a default value',
  RestElement: 'a rest element',
  SpreadElement: 'spread',
  ClassDeclaration: 'a class',
  ClassExpression: 'a class',
  ForOfStatement: 'for…of',
  YieldExpression: 'a generator',
  ChainExpression: 'optional chaining',
  TaggedTemplateExpression: 'a tagged template',
  ImportExpression: 'a dynamic import',
  MetaProperty: 'new.target or import.meta',
  ExportNamedDeclaration: 'an export',
  ExportDefaultDeclaration: 'an export',
  ExportAllDeclaration: 'an export',
};

function isNode(value: unknown): value is AnyNode {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/** What in `code` the runtime may not accept, one line each (where, what); empty when nothing. */
export function unsupportedSyntax(code: string): string[] {
  const problems: string[] = [];
  let program: AnyNode;
  try {
    // A module when it imports the runtime's `cloudfront` module (its first line); a script otherwise.
    program = parse(code, {
      ecmaVersion: 'latest',
      sourceType: /^import /.test(code) ? 'module' : 'script',
      locations: true,
    }) as unknown as AnyNode;
  } catch (error) {
    return [`does not parse: ${(error as Error).message}`];
  }
  const at = (node: AnyNode) => `line ${node.loc?.start.line ?? '?'}:${node.loc?.start.column ?? '?'}`;
  const refuse = (node: AnyNode, what: string) => problems.push(`${at(node)}: ${what}`);

  function visit(node: AnyNode, depth: number): void {
    const unlisted = UNLISTED[node.type];
    if (unlisted !== undefined) refuse(node, unlisted);
    switch (node.type) {
      case 'ImportDeclaration': {
        const source = (node.source as AnyNode).value;
        if ((program.body as AnyNode[])[0] !== node || source !== 'cloudfront')
          refuse(node, `an import other than the runtime's cloudfront module, first (${String(source)})`);
        break;
      }
      case 'Property':
        if (node.shorthand) refuse(node, 'a shorthand property');
        if (node.method) refuse(node, 'a method definition');
        if (node.computed) refuse(node, 'a computed property name');
        break;
      case 'LogicalExpression':
        if (node.operator === '??') refuse(node, 'nullish coalescing (??)');
        break;
      case 'AssignmentExpression':
        if (node.operator === '??=' || node.operator === '||=' || node.operator === '&&=')
          refuse(node, `a logical assignment (${String(node.operator)})`);
        break;
      case 'Literal':
        if (typeof node.bigint === 'string') refuse(node, 'a BigInt');
        if (node.regex !== undefined) {
          const flags = (node.regex as { flags: string }).flags;
          if (/[^gim]/.test(flags)) refuse(node, `a regular expression flag from after ES 5.1 (${flags})`);
        }
        if (typeof node.raw === 'string' && /^0[bBoO]/.test(node.raw)) refuse(node, 'a binary or octal literal');
        break;
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
        if (node.generator) refuse(node, 'a generator');
        // Async: only a function declared at the top level (the handler and its helpers), never a closure.
        if (node.async && (node.type !== 'FunctionDeclaration' || depth > 0)) refuse(node, 'an async closure');
        break;
      default:
        break;
    }
    const inner =
      node.type === 'FunctionDeclaration' ||
      node.type === 'FunctionExpression' ||
      node.type === 'ArrowFunctionExpression'
        ? depth + 1
        : depth;
    for (const key of Object.keys(node)) {
      if (key === 'loc') continue;
      const value = node[key];
      if (Array.isArray(value)) {
        for (const item of value) if (isNode(item)) visit(item, inner);
      } else if (isNode(value)) visit(value, inner);
    }
  }

  visit(program, 0);
  return problems;
}
