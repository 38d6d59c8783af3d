// The walls of ARCHITECTURE.md as an ESLint rule, by allow-list: every linted file belongs to a
// known folder, each folder may import only the folders listed for it, and every npm package is
// classified by the environments that may load it. A file in an unknown folder, an import of a
// folder not listed, or a package not classified for the importing folder is an error.
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Node's own modules, with or without `node:`. */
const NODE = 'node';

/** Folders, most specific first: who they are, what they may import. '*' means anything (tests, tool configs). */
export const layers = [
  { name: 'shared', dir: 'shared/', may: ['shared'], packages: ['zod', 'cronstrue'] },
  { name: 'renderer', dir: 'renderer/', may: ['renderer', 'shared'], packages: ['react', 'react-dom', 'zustand', '@tanstack/react-virtual'] },
  // The core's one door: hosts reach the core only through electron/core/api/ (dispatch, the
  // in-process client, openCore); the rest of the core is its inside, and never imports the door.
  { name: 'core door', dir: 'electron/core/api/', may: ['core door', 'core', 'shared'], packages: [NODE, 'zod'] },
  { name: 'core', dir: 'electron/core/', may: ['core', 'shared'], packages: [NODE, 'zod', 'better-sqlite3', 'execa', 'node-cron'] },
  { name: 'server', dir: 'electron/server/', may: ['server', 'core door', 'shared'], packages: [NODE, 'zod', 'ws'] },
  { name: 'cli', dir: 'electron/cli/', may: ['cli', 'server', 'core door', 'shared'], packages: [NODE, 'zod', 'commander'] },
  { name: 'desktop', dir: 'electron/desktop/', may: ['desktop', 'core door', 'shared'], packages: [NODE, 'zod', 'electron', 'electron-store'] },
  { name: 'test', dir: 'test/', may: '*', packages: '*' },
  { name: 'scripts', dir: 'scripts/', may: '*', packages: '*' },
  { name: 'tool config', file: /^[^/]+\.config\.ts$/, may: '*', packages: '*' },
];

function layerOf(path) {
  const rel = relative(root, path).split('\\').join('/');
  if (rel.startsWith('..')) return null;
  return layers.find((l) => (l.dir ? rel.startsWith(l.dir) : l.file.test(rel))) ?? null;
}

function packageOf(spec) {
  if (spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0])) return NODE;
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'Each folder imports only the folders and packages ARCHITECTURE.md allows it.' },
    schema: [],
  },
  create(context) {
    const file = context.filename ?? context.getFilename();
    const own = layerOf(file);
    const check = (node, spec) => {
      if (!own || typeof spec !== 'string') return;
      if (spec.startsWith('.') || spec.startsWith('/')) {
        const target = resolve(dirname(file), spec);
        const to = layerOf(target);
        if (!to) return context.report({ node, message: `"${spec}" is outside every folder ARCHITECTURE.md names.` });
        if (own.may !== '*' && !own.may.includes(to.name)) {
          context.report({ node, message: `${own.name} (${own.dir}) may not import ${to.name} (${to.dir}): it may import ${own.may.join(', ')}. See ARCHITECTURE.md.` });
        }
        return;
      }
      const pkg = packageOf(spec);
      if (own.packages !== '*' && !own.packages.includes(pkg)) {
        const what = pkg === NODE ? 'Node modules' : `the package "${pkg}"`;
        context.report({ node, message: `${own.name} (${own.dir}) may not load ${what}: classify a package for the environments that may load it in scripts/eslint-layers.js.` });
      }
    };
    return {
      Program(node) {
        if (!own) context.report({ node, message: `${relative(root, file)} is in no folder ARCHITECTURE.md names (shared/, renderer/, electron/{core,server,cli,desktop}/, test/, scripts/).` });
      },
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value),
      TSImportType: (node) => {
        const lit = node.argument?.literal ?? node.argument;
        if (lit && lit.type === 'Literal') check(node, lit.value);
      },
      TSExternalModuleReference: (node) => node.expression.type === 'Literal' && check(node, node.expression.value),
    };
  },
};

export default { rules: { imports: rule } };
