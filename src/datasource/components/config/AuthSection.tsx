import React from 'react';
import { FieldSet, InlineField, InlineSwitch, Input, SecretInput } from '@grafana/ui';
import { type ConfigProps, LABEL_WIDTH, secretFieldProps } from './configProps';

/** Basic auth or a bearer token; both secrets go only into secureJsonData. */
export function AuthSection(props: ConfigProps) {
  const { options, onOptionsChange } = props;
  return (
    <FieldSet label="Authentication">
      <InlineField label="Basic auth" labelWidth={LABEL_WIDTH} tooltip="Send a user and password with every request.">
        <InlineSwitch
          aria-label="Basic auth"
          value={options.basicAuth ?? false}
          onChange={(e) => onOptionsChange({ ...options, basicAuth: e.currentTarget.checked })}
        />
      </InlineField>
      {options.basicAuth && (
        <>
          <InlineField label="User" labelWidth={LABEL_WIDTH} tooltip="Basic auth user name.">
            <Input
              aria-label="Basic auth user"
              width={32}
              value={options.basicAuthUser ?? ''}
              onChange={(e) => onOptionsChange({ ...options, basicAuthUser: e.currentTarget.value })}
            />
          </InlineField>
          <InlineField
            label="Password"
            labelWidth={LABEL_WIDTH}
            tooltip="Basic auth password; stored encrypted, never shown again."
          >
            <SecretInput
              aria-label="Basic auth password"
              width={32}
              {...secretFieldProps(props, 'basicAuthPassword')}
            />
          </InlineField>
        </>
      )}
      <InlineField
        label="Bearer token"
        labelWidth={LABEL_WIDTH}
        tooltip="Sent as Authorization: Bearer <token> when basic auth is off. Stored encrypted."
      >
        <SecretInput aria-label="Bearer token" width={48} {...secretFieldProps(props, 'bearerToken')} />
      </InlineField>
    </FieldSet>
  );
}
