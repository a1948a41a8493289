// Where `strata broker` keeps its data unless --data-dir says otherwise: the user's data folder.
import os from 'node:os'
import path from 'node:path'

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  const home = os.homedir()
  if (platform === 'win32') {
    return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'strata', 'broker')
  }
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'strata', 'broker')
  const xdg = env.XDG_DATA_HOME
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(home, '.local', 'share'), 'strata', 'broker')
}
