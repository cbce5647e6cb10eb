#!/usr/bin/env python
"""Write README.md from nbs/index.ipynb (what `nbdev_readme` does, without quarto, whose installer downloads a binary).
Markdown cells verbatim; code cells (unless `#| hide`) as python blocks with their text outputs. `--check` fails if README.md is stale."""
import json, sys, re
from pathlib import Path

def render(nb_path='nbs/index.ipynb'):
    nb, out = json.loads(Path(nb_path).read_text()), []
    for c in nb['cells']:
        src = ''.join(c['source'])
        if c['cell_type'] == 'markdown': out.append(src); continue
        if re.match(r'\s*#\|\s*hide', src): continue
        code = '\n'.join(l for l in src.split('\n') if not l.startswith('#|')).strip()
        if code: out.append(f'```python\n{code}\n```')
        txt = ''.join(''.join(o.get('text', '')) for o in c.get('outputs', []) if o.get('output_type') == 'stream')
        if txt.strip(): out.append(f'```\n{txt.rstrip()}\n```')
    return '<!-- generated from nbs/index.ipynb by .ci/readme.py: edit the notebook, not this file -->\n\n' + '\n\n'.join(out) + '\n'

if __name__ == '__main__':
    new = render()
    if '--check' in sys.argv:
        if Path('README.md').read_text() != new: sys.exit('README.md is stale: run python .ci/readme.py')
    else: Path('README.md').write_text(new)
