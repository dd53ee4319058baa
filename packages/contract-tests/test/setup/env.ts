// Target: whatever CONTRACT_TARGET names (base URLs and credentials only).
import type { TestProject } from 'vitest/node';
import { targetFromEnv } from '../../src/target.js';
import './provide.js';

export default function setup(project: TestProject) {
  project.provide('target', targetFromEnv()!);
}
