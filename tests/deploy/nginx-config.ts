/** The nginx example of docs/deployment.md, read out of the guide and rewritten for loopback ports and a test prefix. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../scale/services.js';

export const GUIDE = path.join(REPO_ROOT, 'docs/deployment.md');

/** The one ```nginx block of the deployment guide, as written there. */
export function guideNginxExample(guidePath = GUIDE): string {
  const blocks = [...readFileSync(guidePath, 'utf8').matchAll(/^```nginx\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
  if (blocks.length !== 1)
    throw new Error(`${guidePath} should hold exactly one \`\`\`nginx block, found ${blocks.length}`);
  return blocks[0]!;
}

export interface GuideServerOptions {
  /** `listen` address and port on loopback. */
  port: number;
  certificate: string;
  certificateKey: string;
  /** Directives added at the end of the `location /` block (later ones of the same name would clash, so replace). */
  locationOverrides?: Record<string, string>;
}

export interface NginxConfigOptions {
  /** The guide's example text. */
  example: string;
  /** host:port of each API process, replacing the example's upstream servers one for one. */
  upstreams: string[];
  /** One server block per entry: the guide's, then variants. */
  servers: GuideServerOptions[];
  /** Folder for logs and nginx's temp files. */
  prefix: string;
}

function splitExample(example: string): { upstream: string; server: string } {
  const server = /^server \{\n[\s\S]*?^\}\n?/m.exec(example);
  const upstream = /^upstream \w+ \{\n[\s\S]*?^\}\n?/m.exec(example);
  if (!server || !upstream)
    throw new Error(`The guide's nginx example has no top-level upstream and server block:\n${example}`);
  return { upstream: upstream[0], server: server[0] };
}

function rewriteServer(server: string, options: GuideServerOptions): string {
  let text = server;
  const replace = (pattern: RegExp, value: string, what: string) => {
    if (!pattern.test(text)) throw new Error(`The guide's nginx server block has no ${what}:\n${server}`);
    text = text.replace(pattern, value);
  };
  // Only the address changes: `ssl`, `http2` and whatever else the guide puts on the listen line stay.
  replace(/^(\s*listen\s+)\S+/m, `$1127.0.0.1:${options.port}`, 'listen directive');
  replace(/^(\s*ssl_certificate\s+)[^;]+/m, `$1${options.certificate}`, 'ssl_certificate');
  replace(/^(\s*ssl_certificate_key\s+)[^;]+/m, `$1${options.certificateKey}`, 'ssl_certificate_key');
  for (const [name, value] of Object.entries(options.locationOverrides ?? {})) {
    const directive = new RegExp(`^(\\s*)${name}\\s+[^;]*;`, 'm');
    if (directive.test(text)) text = text.replace(directive, `$1${name} ${value};`);
    else text = text.replace(/^(\s*)proxy_pass\s/m, `$1${name} ${value};\n$1proxy_pass `);
  }
  return text;
}

/**
 * A complete nginx.conf: the guide's upstream with our API processes, then one copy of its server block per entry of
 * `servers`, inside the `http {}` that a distribution's nginx.conf would include it from.
 */
export function renderNginxConfig(options: NginxConfigOptions): string {
  const { upstream, server } = splitExample(options.example);
  const listed = [...upstream.matchAll(/^\s*server\s+[^;\s]+;\s*$/gm)];
  if (listed.length !== options.upstreams.length) {
    throw new Error(
      `The guide's upstream lists ${listed.length} servers; the test starts ${options.upstreams.length}:\n${upstream}`,
    );
  }
  let i = 0;
  const ours = upstream.replace(/^(\s*server\s+)[^;\s]+;/gm, (_m, head: string) => `${head}${options.upstreams[i++]};`);
  const p = (name: string) => path.join(options.prefix, name);
  const root = process.getuid?.() === 0 ? 'user root;\n' : '';
  return `${root}worker_processes 1;
events { worker_connections 256; }
http {
  access_log ${p('access.log')};
  client_body_temp_path ${p('client_body')};
  proxy_temp_path ${p('proxy')};
  fastcgi_temp_path ${p('fastcgi')};
  uwsgi_temp_path ${p('uwsgi')};
  scgi_temp_path ${p('scgi')};

${ours}
${options.servers.map((s) => rewriteServer(server, s)).join('\n')}
}
`;
}
