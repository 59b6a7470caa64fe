import { defineRules } from "./rule.ts";

export const RULES = defineRules("strength", []);
