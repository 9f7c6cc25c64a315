// PATCH query option validation (A3 step 2, C-30 (b) and (c)).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorString } from '@kapi/apimachinery';
import {
  APPLY_PATCH_TYPE,
  MERGE_PATCH_TYPE,
  patchOptionsError,
  validatePatchOptions,
  type PatchQueryOptions,
} from '../src/patch/index.js';

describe('validatePatchOptions', () => {
  const cases: { name: string; options: PatchQueryOptions; patchType: string; errors: string[] }[] =
    [
      { name: 'a plain merge patch is fine', options: {}, patchType: MERGE_PATCH_TYPE, errors: [] },
      {
        name: 'C-30(c) force on a non-apply patch',
        options: { force: true },
        patchType: MERGE_PATCH_TYPE,
        errors: ['force: Forbidden: may not be specified for non-apply patch'],
      },
      {
        name: 'force=false is forbidden too',
        options: { force: false },
        patchType: MERGE_PATCH_TYPE,
        errors: ['force: Forbidden: may not be specified for non-apply patch'],
      },
      {
        name: 'C-30(b) apply needs a fieldManager',
        options: { force: true },
        patchType: APPLY_PATCH_TYPE,
        errors: ['fieldManager: Required value: is required for apply patch'],
      },
      {
        name: 'a fieldManager over 128 bytes',
        options: { fieldManager: 'm'.repeat(129) },
        patchType: MERGE_PATCH_TYPE,
        errors: ['fieldManager: Too long: may not be more than 128 bytes'],
      },
      {
        name: 'a non-printable fieldManager',
        options: { fieldManager: 'a\tb' },
        patchType: MERGE_PATCH_TYPE,
        errors: ['fieldManager: Invalid value: "a\\tb": invalid character U+0009 (at position 1)'],
      },
      {
        name: 'dryRun other than All',
        options: { dryRun: ['Some'] },
        patchType: MERGE_PATCH_TYPE,
        errors: ['dryRun: Unsupported value: []string{"Some"}: supported values: "All"'],
      },
      {
        name: 'an unknown fieldValidation',
        options: { fieldValidation: 'Loose' },
        patchType: MERGE_PATCH_TYPE,
        errors: [
          'fieldValidation: Unsupported value: "Loose": supported values: "", "Ignore", "Strict", "Warn"',
        ],
      },
    ];
  for (const tc of cases) {
    it(tc.name, () => {
      assert.deepEqual(
        validatePatchOptions(tc.options, tc.patchType).map(fieldErrorString),
        tc.errors,
      );
    });
  }

  it('answers 422 on kind PatchOptions of meta.k8s.io', () => {
    const err = patchOptionsError(validatePatchOptions({ force: true }, MERGE_PATCH_TYPE));
    assert.equal(err.code, 422);
    assert.equal(err.reason, 'Invalid');
    assert.equal(err.status.details?.kind, 'PatchOptions');
    assert.equal(err.status.details?.group, 'meta.k8s.io');
    assert.equal(
      err.status.message,
      'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch',
    );
  });
});
