import sys

from qianbai_rules.cli.app import main

sys.exit(main())
