import type React from 'react';
import type { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import type { VigilDataSourceOptions, VigilSecureJsonData } from '../../types';

/** What every section of the config editor receives: the settings and the way to replace them. */
export type ConfigProps = DataSourcePluginOptionsEditorProps<VigilDataSourceOptions, VigilSecureJsonData>;

export type SecretKey = keyof VigilSecureJsonData & string;

/** Label width shared by all sections, so their fields line up in one column. */
export const LABEL_WIDTH = 24;

/** Merges a patch into jsonData, keeping everything else in the settings as it is. */
export function patchJsonData({ options, onOptionsChange }: ConfigProps, patch: Partial<VigilDataSourceOptions>) {
  onOptionsChange({ ...options, jsonData: { ...(options.jsonData ?? {}), ...patch } });
}

/**
 * Props for a SecretInput or SecretTextArea. Grafana sends back only "configured" for a stored secret
 * (secureJsonFields), never its value, so the field can be replaced or reset but not read.
 */
export function secretFieldProps({ options, onOptionsChange }: ConfigProps, key: SecretKey) {
  const secureJsonFields = options.secureJsonFields ?? {};
  const secureJsonData = (options.secureJsonData ?? {}) as VigilSecureJsonData;
  return {
    isConfigured: Boolean(secureJsonFields[key]),
    value: secureJsonData[key] ?? '',
    onReset: () =>
      onOptionsChange({
        ...options,
        secureJsonFields: { ...secureJsonFields, [key]: false },
        secureJsonData: { ...secureJsonData, [key]: '' },
      }),
    onChange: (e: React.FormEvent<HTMLInputElement | HTMLTextAreaElement>) =>
      onOptionsChange({ ...options, secureJsonData: { ...secureJsonData, [key]: e.currentTarget.value } }),
  };
}
