import * as assert from 'node:assert/strict';
import { suite, test } from 'mocha';
import * as vscode from 'vscode';
import { activateExtension, EXTENSION_ID } from './util';

suite('activation', () => {
  test('the extension activates in the real extension host', async () => {
    const extension = await activateExtension();
    assert.equal(extension.isActive, true);
    assert.equal(extension.id, EXTENSION_ID);
  });

  test('its commands are registered', async () => {
    await activateExtension();
    const commands = new Set(await vscode.commands.getCommands(true));
    for (const id of ['losslab.kernel.restart', 'losslab.kernel.interrupt', 'losslab.openInLossLab']) {
      assert.ok(commands.has(id), `command ${id} is not registered`);
    }
  });
});
