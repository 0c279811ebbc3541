"""Schools: classes and their students, the timetable of a class's sessions (each session is a
meeting whose roster is the class), the school's rules for late and absent, excused absences."""
