from tintin.cli import main

raise SystemExit(main())
