import type { ActionDescriptor } from '@iot-task/spec';
import type { ContractRun } from './contractRun.ts';

/**
 * What judging one case came to: the problems found (none: it passed), why it was not run, or
 * why the kit could not tell — a verdict the machine's load spoiled, which is neither the
 * target's pass nor its failure. Warnings say what a passing case could not check (and why).
 */
export type Outcome = { problems: string[]; warnings?: string[] } | { skip: string } | { inconclusive: string };

/** What every case has: an id, its action, its kind and a title a person reads. */
export interface CaseBase {
  id: string;
  action: string;
  kind: string;
  title: string;
}

/** What a case is judged with. */
export interface CaseContext {
  run: ContractRun;
  /** The case's action, as the spec describes it. */
  descriptor: ActionDescriptor;
  /** The ordinary request's parameters as they travel (throws when the target cannot supply them). */
  params(): Record<string, string>;
}

/**
 * A kind of case, one file each: which cases a run has of it (over every action of the spec) and
 * how one of them is judged. A run puts its target through the kinds in the order of `caseKinds`.
 */
export interface CaseKind<C extends CaseBase = CaseBase> {
  /** The `kind` values its cases carry (one, or a family judged alike). */
  kinds: readonly C['kind'][];
  cases(run: ContractRun): readonly C[];
  judge(c: C, context: CaseContext): Outcome | Promise<Outcome>;
}

/** The cases a kind yields. */
export type CaseOf<K> = K extends CaseKind<infer C> ? C : never;
