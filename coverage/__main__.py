from coverage.cli import main

raise SystemExit(main())
