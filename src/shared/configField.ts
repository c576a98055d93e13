/** A connector's config field, as the connection form shows and checks it. Shared by host, core and webview. */
export type FieldKind = 'string' | 'number' | 'boolean' | 'enum' | 'file' | 'secret' | 'url';

export interface ConfigField {
  name: string;
  label: string;
  kind: FieldKind;
  required?: boolean;
  default?: string | number | boolean;
  help?: string;
  /** Secret values go to the credential, never into config. */
  secret?: boolean;
  options?: readonly { value: string; label: string }[];
  min?: number;
  max?: number;
  placeholder?: string;
  /** Asked for only when the user opens the advanced settings. */
  advanced?: boolean;
  /** Only meaningful when another field has one of these values. */
  visibleWhen?: { field: string; values: readonly string[] };
}
