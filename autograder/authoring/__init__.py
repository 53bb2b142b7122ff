"""What instructors generate from the solutions: the template, notebooks, diagrams, sample mistakes."""
