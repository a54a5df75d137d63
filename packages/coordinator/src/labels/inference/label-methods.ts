// The method names alone, importable without the methods: `sward labels aggregate --method` lists them in
// its help, and `sward --help` must not load the coordinator (@sward/coordinator/label-methods).
export const LABEL_METHODS = ['mv', 'ds', 'onecoin', 'glad', 'mace'] as const;
export type LabelMethod = (typeof LABEL_METHODS)[number];

export function isLabelMethod(name: string): name is LabelMethod {
  return (LABEL_METHODS as readonly string[]).includes(name);
}
