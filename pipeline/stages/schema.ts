/**
 * The record contracts between stages. These zod schemas are the truth;
 * DESIGN.md sketches them. Every record passes unknown fields through, so a
 * stage never drops what a later stage needs.
 */
import { z } from "zod";
import { freeVars, isValidVarName } from "../expr/expr.ts";
import { parseExpr } from "../expr/fpcore.ts";

export const VarName = z.string().refine(isValidVarName, {
  message: "must be an identifier (letters, digits, _ and .), not PI, E, INFINITY or NAN",
});

/** A closed input range [lo, hi], finite, not inverted. */
export const RangeSchema = z
  .tuple([z.number(), z.number()])
  .refine(([lo, hi]) => Number.isFinite(lo) && Number.isFinite(hi), {
    message: "range bounds must be finite numbers",
  })
  .refine(([lo, hi]) => lo <= hi, { message: "range is empty or inverted (lo > hi)" });

/** An expression to optimize or measure: the record every stage starts from. */
export const ExpressionRecord = z
  .looseObject({
    id: z.string().min(1),
    /** FPCore body in S-expression form, e.g. `(+ (* a b) c)`. */
    expr: z.string().min(1),
    vars: z.array(VarName),
    ranges: z.record(z.string(), RangeSchema).optional(),
    name: z.string().optional(),
    pre: z.string().optional(),
    source: z.string().optional(),
    tags: z.array(z.string()).optional(),
  })
  .superRefine((rec, ctx) => {
    const declared = new Set(rec.vars);
    if (declared.size !== rec.vars.length) {
      ctx.addIssue({ code: "custom", path: ["vars"], message: "a variable is listed twice" });
    }
    for (const name of Object.keys(rec.ranges ?? {})) {
      if (!declared.has(name)) {
        ctx.addIssue({ code: "custom", path: ["ranges", name], message: `range for undeclared variable ${name}` });
      }
    }
    try {
      for (const name of freeVars(parseExpr(rec.expr))) {
        if (!declared.has(name)) {
          ctx.addIssue({ code: "custom", path: ["expr"], message: `uses undeclared variable ${name}` });
        }
      }
    } catch (e) {
      ctx.addIssue({ code: "custom", path: ["expr"], message: (e as Error).message });
    }
  });

export type ExpressionRecord = z.infer<typeof ExpressionRecord>;
