// The debugger's expression language over the machine state: what watch,
// hover, the debug console and conditional breakpoints evaluate.
//
//   need_tlb_flush(web, core1)      tlb(core0).size       tlb(core0) has nginx:heap
//   vcpu(web.vcpu0).prev_cpu        web.vcpu0.cpu == 4    cpu_in_guest(web) & 0x10
//
// Names denote machine objects (guests, tasks, `web.vcpu0`, `cpu4`, `core1`,
// `core0.even`); `.name` reads a field; `has`/`lacks` ask a TLB about a
// `task:page`; `&&`/`and`, `||`/`or`, `!`/`not`, comparisons and `&` combine.

import { type CpuGroup, type KernelName, type MachineState, type ProvenanceTarget, type TlbEntry, VARIANTS, representative, tlbKey } from '../../core/src/index';

export type Value =
  | { t: 'num'; v: number }
  | { t: 'bool'; v: boolean }
  | { t: 'str'; v: string }
  | { t: 'none' }
  | { t: 'mask'; bits: readonly boolean[] }
  | { t: 'guest'; name: string }
  | { t: 'vcpu'; guest: string; index: number }
  | { t: 'task'; name: string }
  | { t: 'cpu'; id: number }
  | { t: 'core'; index: number }
  | { t: 'tlb'; domain: number }
  | { t: 'page'; task: string; page: string };

export type Expr =
  | { k: 'num'; v: number }
  | { k: 'name'; name: string; at: number }
  | { k: 'page'; task: string; page: string }
  | { k: 'member'; of: Expr; name: string }
  | { k: 'call'; fn: string; args: Expr[] }
  | { k: 'unary'; op: '!'; arg: Expr }
  | { k: 'binary'; op: string; left: Expr; right: Expr };

/** What an expression may read besides the machine: where the debugger stands. */
export interface EvalContext {
  state: MachineState;
  /** Micro-steps executed so far. */
  step: number;
  /** Scenario line (1-based) of the current statement, -1 at the end. */
  line: number;
  /**
   * Which need_tlb_flush bit a cpu's entry path tests under the session's
   * kernel variant (what `cpuN.entry_bit` reads); absent where no variant is
   * known, and then `entry_bit` says so.
   */
  entryBit?: CpuGroup;
}

/** The entry path's bit rule of a kernel variant, by name (a run's `kernel`); undefined for a name that is none. */
export function entryBitOf(kernel: string): CpuGroup | undefined {
  return Object.hasOwn(VARIANTS, kernel) ? VARIANTS[kernel as KernelName].entryBit : undefined;
}

export class ExpressionError extends Error {}

// ---- lexer + parser -------------------------------------------------------------

interface Token {
  kind: 'num' | 'id' | 'op' | 'end';
  text: string;
  at: number;
}

const OPERATORS = ['&&', '||', '==', '!=', '<=', '>=', '<', '>', '!', '&', '(', ')', ',', '.', ':', '='];

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const num = /^(0x[0-9a-fA-F]+|\d+)/.exec(text.slice(i));
    if (num) {
      out.push({ kind: 'num', text: num[1], at: i });
      i += num[1].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
    if (id) {
      out.push({ kind: 'id', text: id[0], at: i });
      i += id[0].length;
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (!op) throw new ExpressionError(`unexpected '${c}' at column ${i + 1}`);
    out.push({ kind: 'op', text: op === '=' ? '==' : op, at: i });
    i += op.length;
  }
  out.push({ kind: 'end', text: '', at: text.length });
  return out;
}

/**
 * Deeper than any expression a person writes, and shallow enough that neither
 * the parser nor the evaluator (both recursive) can exhaust the stack: an
 * exception filter's condition nested 1,500 deep once took the adapter down.
 */
export const MAX_DEPTH = 100;

export function parseExpression(text: string): Expr {
  const tokens = tokenize(text);
  let i = 0;
  const peek = () => tokens[i];
  const isOp = (...ops: string[]) => peek().kind === 'op' && ops.includes(peek().text);
  const isWord = (...words: string[]) => peek().kind === 'id' && words.includes(peek().text);
  const expect = (op: string) => {
    if (!isOp(op)) throw new ExpressionError(`expected '${op}' at column ${peek().at + 1}${peek().kind === 'end' ? ' (end of expression)' : ''}`);
    i++;
  };
  const tooDeep = () => new ExpressionError(`expression nested deeper than ${MAX_DEPTH} levels`);
  // the parser's own recursion (parentheses, calls, `!`) is bounded before it descends…
  let nesting = 0;
  const nested = <T>(parse: () => T): T => {
    if (++nesting > MAX_DEPTH) throw tooDeep();
    const e = parse();
    nesting--;
    return e;
  };
  // …and the tree's depth (what evaluation recurses over) as it is built: `a && b && …` loops here but nests
  // there; a leaf, never in the map, is 1 deep
  const depth = new Map<Expr, number>();
  const node = (e: Expr, children: readonly Expr[]): Expr => {
    const d = 1 + children.reduce((deepest, c) => Math.max(deepest, depth.get(c) ?? 1), 0);
    if (d > MAX_DEPTH) throw tooDeep();
    depth.set(e, d);
    return e;
  };
  const binary = (op: string, left: Expr, right: Expr) => node({ k: 'binary', op, left, right }, [left, right]);

  const or = (): Expr => {
    let left = and();
    while (isOp('||') || isWord('or')) {
      i++;
      left = binary('||', left, and());
    }
    return left;
  };
  const and = (): Expr => {
    let left = not();
    while (isOp('&&') || isWord('and')) {
      i++;
      left = binary('&&', left, not());
    }
    return left;
  };
  const not = (): Expr => {
    if (isOp('!') || isWord('not')) {
      i++;
      const arg = nested(not);
      return node({ k: 'unary', op: '!', arg }, [arg]);
    }
    return comparison();
  };
  const comparison = (): Expr => {
    const left = bitAnd();
    if (isOp('==', '!=', '<', '<=', '>', '>=')) {
      const op = tokens[i++].text;
      return binary(op, left, bitAnd());
    }
    if (isWord('has', 'lacks')) {
      const op = tokens[i++].text;
      return binary(op, left, postfix());
    }
    return left;
  };
  const bitAnd = (): Expr => {
    let left = postfix();
    while (isOp('&')) {
      i++;
      left = binary('&', left, postfix());
    }
    return left;
  };
  const postfix = (): Expr => {
    let e = primary();
    while (isOp('.')) {
      i++;
      const t = peek();
      if (t.kind !== 'id' && t.kind !== 'num') throw new ExpressionError(`expected a field name after '.' at column ${t.at + 1}`);
      i++;
      e = node({ k: 'member', of: e, name: t.text }, [e]);
    }
    return e;
  };
  const primary = (): Expr => {
    const t = peek();
    if (t.kind === 'num') {
      i++;
      const v = Number(t.text);
      // past 2^53 a literal no longer means the number written (and `&` could not convert it)
      if (!Number.isSafeInteger(v)) throw new ExpressionError(`the number at column ${t.at + 1} is too large`);
      return { k: 'num', v };
    }
    if (isOp('(')) {
      i++;
      const e = nested(or);
      expect(')');
      return e;
    }
    if (t.kind === 'id') {
      i++;
      if (isOp('(')) {
        i++;
        const args: Expr[] = [];
        if (!isOp(')')) {
          args.push(nested(or));
          while (isOp(',')) {
            i++;
            args.push(nested(or));
          }
        }
        expect(')');
        return node({ k: 'call', fn: t.text, args }, args);
      }
      if (isOp(':')) {
        i++;
        const page = peek();
        if (page.kind !== 'id') throw new ExpressionError(`expected a page after '${t.text}:' at column ${page.at + 1}`);
        i++;
        return { k: 'page', task: t.text, page: page.text };
      }
      return { k: 'name', name: t.text, at: t.at };
    }
    throw new ExpressionError(t.kind === 'end' ? 'incomplete expression' : `unexpected '${t.text}' at column ${t.at + 1}`);
  };

  const e = or();
  if (peek().kind !== 'end') throw new ExpressionError(`unexpected '${peek().text}' at column ${peek().at + 1}`);
  return e;
}

// ---- evaluation -----------------------------------------------------------------

export const FUNCTIONS: Record<string, string> = {
  need_tlb_flush: 'need_tlb_flush(guest[, coreN|cpuN]): the cpumask, or the bit that stands for a core (its first thread) or a cpu',
  cpu_in_guest: 'cpu_in_guest(guest[, cpuN]): the cpumask, or one cpu\'s bit',
  tlb: 'tlb(coreN|cpuN|core0.even): a TLB domain (.size, .stale, `has task:page`)',
  vcpu: 'vcpu(guest.vcpuN): .cpu, .prev_cpu, .task',
  task: 'task(name): .pid, .vcpu, .cpu, .guest',
  guest: 'guest(name): .lpid, .mmu, .need_tlb_flush, .cpu_in_guest',
  cpu: 'cpu(N): .vcpu, .in_guest, .lpidr, .pidr, .core, .tlb, .entry_bit (the need_tlb_flush bit its entry path tests)',
  frame: 'frame(task:page): the frame the page table maps it to (none when unmapped)',
};

/** The fields each kind of value has, for completions. */
export const FIELDS: Partial<Record<Value['t'], string[]>> = {
  guest: ['lpid', 'mmu', 'need_tlb_flush', 'cpu_in_guest', 'vcpus'],
  vcpu: ['cpu', 'prev_cpu', 'task', 'guest', 'index'],
  task: ['pid', 'vcpu', 'cpu', 'guest'],
  cpu: ['vcpu', 'in_guest', 'lpidr', 'pidr', 'core', 'thread', 'tlb', 'entry_bit'],
  core: ['tlb', 'even', 'odd'],
  tlb: ['size', 'stale', 'name'],
  mask: ['size'],
};

const num = (v: number): Value => ({ t: 'num', v });
const bool = (v: boolean): Value => ({ t: 'bool', v });
const NONE: Value = { t: 'none' };

export function evaluate(expr: Expr, ctx: EvalContext): Value {
  const { state } = ctx;
  const t = state.topology;
  const ev = (e: Expr) => evaluate(e, ctx);
  switch (expr.k) {
    case 'num':
      return num(expr.v);
    case 'page':
      return { t: 'page', task: expr.task, page: expr.page };
    case 'name':
      return resolveName(expr.name, ctx);
    case 'member':
      return member(ev(expr.of), expr.name, ctx);
    case 'unary':
      return bool(!truthy(ev(expr.arg)));
    case 'binary': {
      if (expr.op === '&&') return bool(truthy(ev(expr.left)) && truthy(ev(expr.right)));
      if (expr.op === '||') return bool(truthy(ev(expr.left)) || truthy(ev(expr.right)));
      const left = ev(expr.left);
      const right = ev(expr.right);
      switch (expr.op) {
        case 'has':
        case 'lacks': {
          const present = tlbHas(asTlb(left, state), right, state);
          return bool(expr.op === 'has' ? present : !present);
        }
        case '&':
          return num(Number(BigInt(asNumber(left)) & BigInt(asNumber(right))));
        case '==':
          return bool(equal(left, right));
        case '!=':
          return bool(!equal(left, right));
        default: {
          const a = asNumber(left);
          const b = asNumber(right);
          return bool(expr.op === '<' ? a < b : expr.op === '<=' ? a <= b : expr.op === '>' ? a > b : a >= b);
        }
      }
    }
    case 'call': {
      const args = expr.args.map(ev);
      const arity = (n: number, m = n) => {
        if (args.length < n || args.length > m) throw new ExpressionError(`${expr.fn}() takes ${n === m ? n : `${n} or ${m}`} argument${m === 1 ? '' : 's'}`);
      };
      switch (expr.fn) {
        case 'need_tlb_flush':
        case 'cpu_in_guest': {
          arity(1, 2);
          const g = asGuest(args[0], state);
          const mask = expr.fn === 'need_tlb_flush' ? g.needTlbFlush : g.cpuInGuest;
          if (args.length === 1) return { t: 'mask', bits: [...mask] };
          const where = args[1];
          if (where.t === 'core') return bool(mask[where.index * t.threads]);
          return bool(mask[asCpu(where, state)]);
        }
        case 'tlb':
          arity(1);
          return { t: 'tlb', domain: asTlb(args[0], state) };
        case 'vcpu':
          arity(1);
          if (args[0].t !== 'vcpu') throw new ExpressionError('vcpu() takes a vcpu such as vm.vcpu0');
          return args[0];
        case 'task':
          arity(1);
          if (args[0].t !== 'task') throw new ExpressionError('task() takes a task name');
          return args[0];
        case 'guest':
          arity(1);
          return { t: 'guest', name: asGuest(args[0], state).name };
        case 'cpu':
          arity(1);
          return { t: 'cpu', id: asCpu(args[0], state) };
        case 'frame': {
          arity(1);
          const p = args[0];
          if (p.t !== 'page') throw new ExpressionError('frame() takes task:page');
          const pte = state.tasks.get(p.task)?.pages.get(p.page);
          if (!pte) throw new ExpressionError(`no page ${p.page} in task ${p.task}`);
          return pte.frame === undefined ? NONE : num(pte.frame);
        }
        default:
          throw new ExpressionError(`unknown function '${expr.fn}' (${Object.keys(FUNCTIONS).join(', ')})`);
      }
    }
  }
}

function resolveName(name: string, ctx: EvalContext): Value {
  const { state } = ctx;
  const t = state.topology;
  if (name === 'true' || name === 'false') return bool(name === 'true');
  if (name === 'none') return NONE;
  if (name === 'step') return num(ctx.step);
  if (name === 'line') return num(ctx.line);
  if (state.guests.has(name)) return { t: 'guest', name };
  if (state.tasks.has(name)) return { t: 'task', name };
  const cpu = /^cpu(\d+)$/.exec(name);
  if (cpu && Number(cpu[1]) < t.cpuCount) return { t: 'cpu', id: Number(cpu[1]) };
  const core = /^core(\d+)$/.exec(name);
  if (core && Number(core[1]) < t.cores) return { t: 'core', index: Number(core[1]) };
  throw new ExpressionError(`unknown name '${name}'`);
}

function member(of: Value, name: string, ctx: EvalContext): Value {
  const { state } = ctx;
  const t = state.topology;
  const fail = () => new ExpressionError(`${describeKind(of)} has no field '${name}'${FIELDS[of.t] ? ` (fields: ${FIELDS[of.t]!.join(', ')})` : ''}`);
  switch (of.t) {
    case 'guest': {
      const g = state.guests.get(of.name)!;
      const v = /^vcpu(\d+)$/.exec(name);
      if (v && Number(v[1]) < g.vcpus.length) return { t: 'vcpu', guest: g.name, index: Number(v[1]) };
      if (name === 'lpid') return num(g.lpid);
      if (name === 'mmu') return { t: 'str', v: g.mmu };
      if (name === 'need_tlb_flush') return { t: 'mask', bits: [...g.needTlbFlush] };
      if (name === 'cpu_in_guest') return { t: 'mask', bits: [...g.cpuInGuest] };
      if (name === 'vcpus') return num(g.vcpus.length);
      throw fail();
    }
    case 'vcpu': {
      const v = state.guests.get(of.guest)!.vcpus[of.index];
      if (name === 'cpu') return num(v.cpu);
      if (name === 'prev_cpu') return num(v.prevCpu);
      if (name === 'task') return v.task ? { t: 'task', name: v.task } : NONE;
      if (name === 'guest') return { t: 'guest', name: v.guest };
      if (name === 'index') return num(v.index);
      throw fail();
    }
    case 'task': {
      const task = state.tasks.get(of.name)!;
      if (name === 'pid') return num(task.pid);
      if (name === 'guest') return { t: 'guest', name: task.guest };
      if (name === 'vcpu') return task.vcpu === undefined ? NONE : { t: 'vcpu', guest: task.guest, index: task.vcpu };
      if (name === 'cpu') return num(task.vcpu === undefined ? -1 : state.guests.get(task.guest)!.vcpus[task.vcpu].cpu);
      throw fail();
    }
    case 'cpu': {
      const c = state.cpus[of.id];
      if (name === 'vcpu') {
        if (!c.vcpu) return NONE;
        const dot = c.vcpu.lastIndexOf('.vcpu');
        return { t: 'vcpu', guest: c.vcpu.slice(0, dot), index: Number(c.vcpu.slice(dot + 5)) };
      }
      if (name === 'in_guest') return bool(c.inGuest);
      if (name === 'lpidr') return num(c.lpidr);
      if (name === 'pidr') return num(c.pidr);
      if (name === 'core') return { t: 'core', index: t.coreOf(of.id) };
      if (name === 'thread') return num(t.threadOf(of.id));
      if (name === 'tlb') return { t: 'tlb', domain: t.tlbDomainOf(of.id) };
      if (name === 'entry_bit') {
        // kvmppc_hv_entry's test: the bit (a cpu number) this cpu's entry path reads; fixed: its cpu rounded down to 4
        if (!ctx.entryBit) throw new ExpressionError('entry_bit needs the kernel variant of a debug session');
        return num(representative(t, of.id, ctx.entryBit));
      }
      throw fail();
    }
    case 'core':
      if (name === 'tlb') return { t: 'tlb', domain: asTlb(of, state) };
      if (t.bigcore && (name === 'even' || name === 'odd')) return { t: 'tlb', domain: of.index * 2 + (name === 'odd' ? 1 : 0) };
      throw fail();
    case 'tlb': {
      const entries = [...state.tlbs[of.domain].values()];
      if (name === 'size') return num(entries.length);
      if (name === 'stale') return num(entries.filter((e) => isStale(e, state)).length);
      if (name === 'name') return { t: 'str', v: t.tlbDomainName(of.domain) };
      throw fail();
    }
    case 'mask':
      if (name === 'size') return num(of.bits.filter(Boolean).length);
      throw fail();
    default:
      throw fail();
  }
}

/** An entry is stale when the page table no longer maps its page to its frame. */
export function isStale(e: TlbEntry, state: MachineState): boolean {
  return state.tasks.get(e.task)?.pages.get(e.page)?.frame !== e.frame;
}

function tlbHas(domain: number, what: Value, state: MachineState): boolean {
  if (what.t !== 'page') throw new ExpressionError("'has' and 'lacks' take task:page on the right");
  const task = state.tasks.get(what.task);
  if (!task) throw new ExpressionError(`unknown task '${what.task}'`);
  if (!task.pages.has(what.page)) throw new ExpressionError(`task ${what.task} has no page '${what.page}'`);
  const lpid = state.guests.get(task.guest)!.lpid;
  return state.tlbs[domain].has(tlbKey(lpid, task.pid, what.page));
}

function asTlb(v: Value, state: MachineState): number {
  const t = state.topology;
  if (v.t === 'tlb') return v.domain;
  if (v.t === 'cpu') return t.tlbDomainOf(v.id);
  if (v.t === 'core') {
    if (t.bigcore) throw new ExpressionError(`core${v.index} is a big core with two TLBs: name core${v.index}.even, core${v.index}.odd or a cpu`);
    return v.index;
  }
  throw new ExpressionError(`${describeKind(v)} is not a TLB (use coreN, cpuN or tlb(...))`);
}

function asGuest(v: Value, state: MachineState) {
  if (v.t === 'guest') return state.guests.get(v.name)!;
  throw new ExpressionError(`expected a guest, got ${describeKind(v)}`);
}

function asCpu(v: Value, state: MachineState): number {
  if (v.t === 'cpu') return v.id;
  if (v.t === 'num' && Number.isInteger(v.v) && v.v >= 0 && v.v < state.topology.cpuCount) return v.v;
  throw new ExpressionError(`expected a cpu, got ${describeKind(v)}`);
}

function asNumber(v: Value): number {
  if (v.t === 'num') return v.v;
  if (v.t === 'bool') return v.v ? 1 : 0;
  if (v.t === 'mask') return maskNumber(v.bits);
  throw new ExpressionError(`expected a number, got ${describeKind(v)}`);
}

export function maskNumber(bits: readonly boolean[]): number {
  return Number(maskBig(bits));
}

export function maskBig(bits: readonly boolean[]): bigint {
  let n = 0n;
  for (let i = bits.length - 1; i >= 0; i--) n = (n << 1n) | (bits[i] ? 1n : 0n);
  return n;
}

export function truthy(v: Value): boolean {
  switch (v.t) {
    case 'bool':
      return v.v;
    case 'num':
      return v.v !== 0;
    case 'none':
      return false;
    case 'mask':
      return v.bits.some(Boolean);
    default:
      return true;
  }
}

/** A canonical key: two values are equal when their keys are. */
function key(v: Value): string {
  switch (v.t) {
    case 'num':
    case 'bool':
    case 'str':
      return `${v.t}:${v.v}`;
    case 'mask':
      return `num:${maskNumber(v.bits)}`;
    case 'none':
      return 'none';
    case 'guest':
    case 'task':
      return `${v.t}:${v.name}`;
    case 'vcpu':
      return `vcpu:${v.guest}.${v.index}`;
    case 'cpu':
      return `cpu:${v.id}`;
    case 'core':
      return `core:${v.index}`;
    case 'tlb':
      return `tlb:${v.domain}`;
    case 'page':
      return `page:${v.task}:${v.page}`;
  }
}

function equal(a: Value, b: Value): boolean {
  // a mask compares with a number, a bool with 0/1
  if ((a.t === 'mask' || a.t === 'bool') && b.t === 'num') return asNumber(a) === b.v;
  if (a.t === 'num' && (b.t === 'mask' || b.t === 'bool')) return a.v === asNumber(b);
  return key(a) === key(b);
}

function describeKind(v: Value): string {
  switch (v.t) {
    case 'num':
      return `the number ${v.v}`;
    case 'bool':
      return `the boolean ${v.v}`;
    case 'str':
      return `'${v.v}'`;
    case 'none':
      return 'none';
    case 'mask':
      return 'a cpumask';
    case 'page':
      return `page ${v.task}:${v.page}`;
    default:
      return `a ${v.t}`;
  }
}

/**
 * The data a `need_tlb_flush(g, X)` or `tlb(X)` expression names, as a data
 * breakpoint id (see runtime.ts `DataWatch`), when it names one.
 */
export function dataIdOf(expr: Expr, state: MachineState, entryBit?: CpuGroup): string | undefined {
  if (expr.k !== 'call') return undefined;
  const ctx: EvalContext = { state, step: 0, line: 0, entryBit };
  const t = state.topology;
  if ((expr.fn === 'need_tlb_flush' || expr.fn === 'cpu_in_guest') && expr.args.length >= 1) {
    const g = evaluate(expr.args[0], ctx);
    if (g.t !== 'guest') return undefined;
    const mask = expr.fn === 'need_tlb_flush' ? 'needTlbFlush' : 'cpuInGuest';
    if (expr.args.length === 1) return `${mask}:${g.name}:0:${t.cpuCount - 1}`;
    const where = evaluate(expr.args[1], ctx);
    // a number names a cpu's bit, as need_tlb_flush() reads it (`cpu1.entry_bit` is one)
    const bit = where.t === 'core' ? where.index * t.threads : where.t === 'cpu' ? where.id : where.t === 'num' && Number.isInteger(where.v) && where.v >= 0 && where.v < t.cpuCount ? where.v : -1;
    return bit >= 0 ? `${mask}:${g.name}:${bit}:${bit}` : undefined;
  }
  if (expr.fn === 'tlb' && expr.args.length === 1) return `tlb:${asTlb(evaluate(expr.args[0], ctx), state)}`;
  return undefined;
}

/**
 * The one TLB entry or bit an expression names, for provenance: the
 * Variables pane's `tlb(core0) has X:p` of an entry, `need_tlb_flush(vm, cpu4)`
 * or `cpu_in_guest(vm, core1)` of a bit. Undefined for anything else.
 */
export function provenanceTargetOf(expr: Expr, state: MachineState, entryBit?: CpuGroup): ProvenanceTarget | undefined {
  if (expr.k === 'binary' && expr.op === 'has') {
    const ctx: EvalContext = { state, step: 0, line: 0, entryBit };
    const tlb = evaluate(expr.left, ctx);
    const page = evaluate(expr.right, ctx);
    const task = page.t === 'page' ? state.tasks.get(page.task) : undefined;
    const guest = task && state.guests.get(task.guest);
    if (tlb.t !== 'tlb' || page.t !== 'page' || !task || !guest) return undefined;
    return { kind: 'tlb', domain: tlb.domain, lpid: guest.lpid, pid: task.pid, page: page.page };
  }
  // a single bit's data breakpoint id: mask:guest:cpu:cpu
  const [mask, guest, lo, hi] = dataIdOf(expr, state, entryBit)?.split(':') ?? [];
  if ((mask !== 'needTlbFlush' && mask !== 'cpuInGuest') || lo !== hi) return undefined;
  return { kind: 'bit', guest, mask, cpu: Number(lo) };
}

// ---- completions ------------------------------------------------------------------

export interface Completion {
  label: string;
  type: 'function' | 'variable' | 'property' | 'keyword';
  detail?: string;
}

/**
 * Completions at `column` (0-based) of `text`: names and functions, or the
 * fields of the value before a '.'. Returns the items and where the word
 * being completed starts.
 */
export function complete(text: string, column: number, state: MachineState): { start: number; items: Completion[] } {
  const before = text.slice(0, column);
  const word = /[A-Za-z_][A-Za-z0-9_]*$/.exec(before)?.[0] ?? '';
  const start = column - word.length;
  const prefix = before.slice(0, start);
  const matching = (items: Completion[]) => items.filter((i) => i.label.startsWith(word));
  if (prefix.endsWith('.')) {
    const owner = prefix.slice(0, -1);
    let fields: string[] = [...new Set(Object.values(FIELDS).flat())];
    const ownerExpr = /[A-Za-z_][A-Za-z0-9_.()\s,:]*$/.exec(owner)?.[0];
    if (ownerExpr) {
      try {
        const v = evaluate(parseExpression(balanced(ownerExpr)), { state, step: 0, line: 0 });
        fields = FIELDS[v.t] ?? [];
        if (v.t === 'guest') fields = [...fields, ...state.guests.get(v.name)!.vcpus.map((_, i) => `vcpu${i}`)];
      } catch {
        // an owner we cannot evaluate yet: offer every field
      }
    }
    return { start, items: matching(fields.map((label) => ({ label, type: 'property' }))) };
  }
  const t = state.topology;
  const items: Completion[] = [
    ...Object.entries(FUNCTIONS).map(([label, detail]) => ({ label, type: 'function' as const, detail })),
    ...[...state.guests.keys()].map((label) => ({ label, type: 'variable' as const, detail: 'guest' })),
    ...[...state.tasks.keys()].map((label) => ({ label, type: 'variable' as const, detail: 'task' })),
    ...Array.from({ length: t.cpuCount }, (_, i) => ({ label: `cpu${i}`, type: 'variable' as const, detail: state.topology.describeCpu(i) })),
    ...Array.from({ length: t.cores }, (_, i) => ({ label: `core${i}`, type: 'variable' as const, detail: 'core' })),
    ...['has', 'lacks', 'and', 'or', 'not', 'true', 'false', 'none', 'step', 'line'].map((label) => ({ label, type: 'keyword' as const })),
  ];
  return { start, items: matching(items) };
}

/** The operand a '.' applies to: `need_tlb_flush(vm, vcpu(vm.vcpu0)` → `vcpu(vm.vcpu0)`. */
function balanced(text: string): string {
  let depth = 0;
  for (let i = text.length - 1; i >= 0; i--) {
    if (text[i] === ')') depth++;
    else if (text[i] === '(') {
      if (depth === 0) return text.slice(i + 1).trim();
      depth--;
    } else if (text[i] === ',' && depth === 0) return text.slice(i + 1).trim();
  }
  return text.trim();
}
