import { validate } from '../support/pagerduty-contract-server.js';

/** The contract server is only worth its tests if it refuses what PagerDuty refuses. */
const KEY = 'R0123456789abcdef0123456789abcde';
const JSON_TYPE = 'application/json';
const trigger = { routing_key: KEY, event_action: 'trigger', dedup_key: 'vigil-1', payload: { summary: 's', source: 'vigil', severity: 'critical' } };

describe('Events v2 contract the PagerDuty contract server enforces', () => {
  it.each([
    ['a minimal trigger', trigger],
    ['a trigger without dedup_key (PagerDuty generates one)', { ...trigger, dedup_key: undefined }],
    ['an acknowledge with only routing_key, event_action, dedup_key', { routing_key: KEY, event_action: 'acknowledge', dedup_key: 'vigil-1' }],
    ['links with href and text', { ...trigger, links: [{ href: 'https://x', text: 'Runbook' }] }],
  ])('accepts %s', (_case, body) => {
    expect(validate(JSON.parse(JSON.stringify(body)), JSON_TYPE)).toEqual([]);
  });

  it.each([
    ['a form body', trigger, 'application/x-www-form-urlencoded', 'Content-Type must be application/json'],
    ['a 31-character routing_key', { ...trigger, routing_key: KEY.slice(1) }, JSON_TYPE, "'routing_key' must be a 32 character string"],
    ['an unknown event_action', { ...trigger, event_action: 'snooze' }, JSON_TYPE, "'event_action' is invalid (must be one of: trigger, acknowledge, resolve)"],
    ['a 256-character dedup_key', { ...trigger, dedup_key: 'k'.repeat(256) }, JSON_TYPE, "'dedup_key' must be a string of at most 255 characters"],
    ['a resolve without dedup_key', { routing_key: KEY, event_action: 'resolve' }, JSON_TYPE, "'dedup_key' is required for acknowledge and resolve events"],
    ['a trigger without payload', { ...trigger, payload: undefined }, JSON_TYPE, "'payload' is missing or is not an object"],
    ['a 1025-character summary', { ...trigger, payload: { ...trigger.payload, summary: 's'.repeat(1025) } }, JSON_TYPE, "'payload.summary' must be at most 1024 characters"],
    ['a trigger without source', { ...trigger, payload: { ...trigger.payload, source: '' } }, JSON_TYPE, "'payload.source' is missing or blank"],
    ['severity "high"', { ...trigger, payload: { ...trigger.payload, severity: 'high' } }, JSON_TYPE, "'payload.severity' is invalid (must be one of: critical, error, warning, info)"],
    ['a timestamp that is not one', { ...trigger, payload: { ...trigger.payload, timestamp: 'yesterday' } }, JSON_TYPE, "'payload.timestamp' is not a valid ISO 8601 timestamp"],
    ['links without href', { ...trigger, links: [{ text: 'x' }] }, JSON_TYPE, "'links' must be a list of objects with 'href'"],
  ])('refuses %s', (_case, body, contentType, error) => {
    expect(validate(JSON.parse(JSON.stringify(body)), contentType)).toEqual([error]);
  });
});
